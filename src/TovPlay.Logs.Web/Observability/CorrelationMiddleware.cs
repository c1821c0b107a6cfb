using System.Diagnostics;
using Serilog.Context;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.Observability;

/// <summary>
/// Reads <c>X-Correlation-ID</c> or creates one, echoes it in the response, and puts it and the
/// trace id on every log event written while the request runs, so one id finds every line of a request.
/// </summary>
public sealed class CorrelationMiddleware(RequestDelegate next)
{
    public const string ItemKey = "tovplay.correlation_id";

    public async Task InvokeAsync(HttpContext context)
    {
        var correlationId = CorrelationId.ReuseOrCreate(context.Request.Headers[CorrelationId.HeaderName].FirstOrDefault());
        context.Items[ItemKey] = correlationId;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[CorrelationId.HeaderName] = correlationId;
            return Task.CompletedTask;
        });

        var activity = Activity.Current;
        activity?.SetTag("correlation_id", correlationId);
        var traceId = activity?.TraceId.ToString();

        using (LogContext.PushProperty("correlation_id", correlationId))
        using (LogContext.PushProperty("trace_id", traceId))
        {
            await next(context);
        }
    }
}

public static class CorrelationHttpContextExtensions
{
    public static string? GetCorrelationId(this HttpContext context) =>
        context.Items.TryGetValue(CorrelationMiddleware.ItemKey, out var value) ? value as string : null;
}
