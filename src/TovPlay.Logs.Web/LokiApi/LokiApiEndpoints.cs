using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.Logs.Push;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.ApiKeys;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.LogStore;

namespace TovPlay.Logs.Web.LokiApi;

/// <summary>
/// Loki's HTTP API under <c>/logs/loki/</c>, served by the configured log source (push only by the embedded store),
/// so promtail, Alloy, Loki logging sinks and logcli work against the app unchanged. Errors are Loki's texts: plain
/// text bodies, even where Loki labels them JSON.
/// </summary>
public static class LokiApiEndpoints
{
    public const string ApiPrefix = "/loki/api/v1";
    private const string LokiErrorContentType = "application/json; charset=UTF-8";

    public static IEndpointRouteBuilder MapLokiApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/loki/ready", ReadyAsync).AllowAnonymous().DisableHttpMetrics();

        var api = endpoints.MapGroup(ApiPrefix).DisableAntiforgery();
        // Pushes go to the embedded store; when the app reads a real Loki, clients push to Loki itself.
        if (endpoints.ServiceProvider.GetService<LogWriter>() is not null)
        {
            api.MapPost("/push", PushAsync).RequireAuthorization(AppPolicies.LogPush);
        }

        var read = api.MapGroup("").RequireAuthorization(AppPolicies.LogRead);
        read.MapMethods("/query_range", [HttpMethods.Get, HttpMethods.Post], QueryRangeAsync).AddEndpointFilter(CallerQueryLimit.FilterAsync);
        read.MapMethods("/query", [HttpMethods.Get, HttpMethods.Post], QueryAsync).AddEndpointFilter(CallerQueryLimit.FilterAsync);
        read.MapMethods("/labels", [HttpMethods.Get, HttpMethods.Post], LabelsAsync);
        read.MapMethods("/label", [HttpMethods.Get, HttpMethods.Post], LabelsAsync);
        read.MapMethods("/label/{name}/values", [HttpMethods.Get, HttpMethods.Post], LabelValuesAsync);
        read.MapMethods("/series", [HttpMethods.Get, HttpMethods.Post], SeriesAsync);
        read.MapMethods("/format_query", [HttpMethods.Get, HttpMethods.Post], FormatQueryAsync);
        read.MapGet("/tail", LokiTailEndpoint.TailAsync);
        return endpoints;
    }

    private static async Task ReadyAsync(HttpContext context, ILogSource source)
    {
        var problem = await source.CheckReadyAsync(context.RequestAborted);
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.StatusCode = problem is null ? 200 : 503;
        await context.Response.WriteAsync(problem is null ? "ready\n" : $"Ingester not ready: {problem}\n");
    }

    private static async Task PushAsync(
        HttpContext context,
        LogWriter writer,
        StreamRegistry streams,
        IngestionRateLimiter rateLimiter,
        StreamLimiter streamLimiter,
        IOptions<LogStoreOptions> storeOptions,
        IOptions<LokiApiOptions> apiOptions,
        TimeProvider time)
    {
        var options = storeOptions.Value;
        var cancellationToken = context.RequestAborted;
        List<PushStream> pushed;
        try
        {
            pushed = await PushBody.ReadAsync(context.Request, options.MaxPushBytes, cancellationToken);
        }
        catch (PushFormatException ex)
        {
            await LokiText.WriteAsync(context, 400, ex.Message);
            return;
        }
        catch (PushTooLargeException ex)
        {
            await LokiText.WriteAsync(context, 413, ex.Message);
            return;
        }

        var (problems, lines, bytes) = PushValidator.Validate(pushed, time.GetUtcNow(), options.ToPushLimits(), labels => streams.Find(labels)?.NewestNs);
        if (problems.Count > 0)
        {
            await LokiText.WriteAsync(context, 400, string.Join("\n", problems));
            return;
        }

        var key = ApiKeyAuthenticationHandler.Of(context);
        var rate = key?.IngestionRateBytes ?? apiOptions.Value.DefaultIngestionRateBytes;
        if (key is not null && !rateLimiter.TryAcquire(key.KeyId, rate, bytes))
        {
            await LokiText.WriteAsync(context, 429, IngestionRateLimiter.Refusal(key.Name, rate, lines, bytes));
            return;
        }

        if (lines > 0 && streamLimiter.Admit(ApiKeyAuthenticationHandler.CallerOf(context.User), key?.Name ?? context.User.Identity?.Name ?? "", pushed) is { } streamProblem)
        {
            await LokiText.WriteAsync(context, 429, streamProblem);
            return;
        }

        try
        {
            if (lines > 0)
            {
                await writer.WriteAsync(pushed, cancellationToken);
            }

            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        catch (LogStoreRefusedException ex)
        {
            await LokiText.WriteAsync(context, 400, ex.Message);
        }
        catch (LogStoreUnavailableException ex)
        {
            context.Response.Headers.RetryAfter = apiOptions.Value.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await LokiText.WriteAsync(context, 503, ex.Message);
        }
    }

    private static async Task QueryRangeAsync(HttpContext context, ILogSource source, TimeProvider time) =>
        await AnswerAsync(context, async () =>
        {
            var p = await LokiParameters.FromAsync(context.Request, time);
            var request = new RangeQueryRequest(p.Query, p.Start, p.End) { Limit = p.Limit, Direction = p.Direction, StepNs = p.Step };
            var response = await source.QueryRangeAsync(request, context.RequestAborted);
            return (Write(response), response.Type == ResultType.Streams);
        });

    private static async Task QueryAsync(HttpContext context, ILogSource source, TimeProvider time) =>
        await AnswerAsync(context, async () =>
        {
            var p = await LokiParameters.FromAsync(context.Request, time);
            var request = new InstantQueryRequest(p.Query, p.InstantTime) { Limit = p.Limit, Direction = p.Direction };
            var response = await source.QueryInstantAsync(request, context.RequestAborted);
            return (Write(response), response.Type == ResultType.Streams);
        });

    private static async Task LabelsAsync(HttpContext context, ILogSource source, TimeProvider time) =>
        await AnswerAsync(context, async () =>
        {
            var p = await LokiParameters.FromAsync(context.Request, time);
            var labels = await source.GetLabelsAsync(new TimeWindow(p.Start, p.End), context.RequestAborted);
            return (Sync(json => LokiJson.WriteStrings(json, labels)), true);
        });

    private static async Task LabelValuesAsync(HttpContext context, string name, ILogSource source, TimeProvider time) =>
        await AnswerAsync(context, async () =>
        {
            var p = await LokiParameters.FromAsync(context.Request, time);
            var values = await source.GetLabelValuesAsync(name, new TimeWindow(p.Start, p.End), context.RequestAborted);
            return (Sync(json => LokiJson.WriteStrings(json, values)), true);
        });

    private static async Task SeriesAsync(HttpContext context, ILogSource source, TimeProvider time) =>
        await AnswerAsync(context, async () =>
        {
            var p = await LokiParameters.FromAsync(context.Request, time);
            var series = await source.GetSeriesAsync(p.Match, new TimeWindow(p.Start, p.End), context.RequestAborted);
            return (Sync(json => LokiJson.WriteSeries(json, series)), true);
        });

    private static async Task FormatQueryAsync(HttpContext context, TimeProvider time) =>
        await AnswerAsync(context, async () =>
        {
            var p = await LokiParameters.FromAsync(context.Request, time);
            if (!LogQLQuery.TryParse(p.Query, out var expr, out var error))
            {
                throw new LogSourceException(LogSourceError.BadRequest, error.LokiMessage);
            }

            var formatted = LogQLQuery.Print(expr);
            return (Sync(json =>
            {
                json.WriteStartObject();
                json.WriteString("status", "success");
                json.WriteString("data", formatted);
                json.WriteEndObject();
            }), true);
        });

    /// <summary>A query's answer, written in pieces: each is sent while the next is written.</summary>
    private static Func<Utf8JsonWriter, Func<Task>, Task> Write(QueryResponse response) => (json, flush) => LokiJson.WriteQueryAsync(json, response, flush);

    private static Func<Utf8JsonWriter, Func<Task>, Task> Sync(Action<Utf8JsonWriter> write) => (json, _) =>
    {
        write(json);
        return Task.CompletedTask;
    };

    /// <summary>Runs a read and writes its answer; Loki ends some bodies with a newline (those its JSON encoder writes).</summary>
    private static async Task AnswerAsync(HttpContext context, Func<Task<(Func<Utf8JsonWriter, Func<Task>, Task> Write, bool NewLine)>> produce)
    {
        Func<Utf8JsonWriter, Func<Task>, Task> write;
        bool newLine;
        try
        {
            (write, newLine) = await produce();
        }
        catch (LogSourceException ex)
        {
            context.Response.StatusCode = ex.StatusCode;
            context.Response.ContentType = LokiErrorContentType;
            if (ex.Error == LogSourceError.Unavailable)
            {
                context.Response.Headers.RetryAfter = "5";
            }

            await context.Response.WriteAsync(ex.Message);
            return;
        }

        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter, LokiJson.WriterOptions);
        await write(json, async () =>
        {
            json.Flush();
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        });
        await json.FlushAsync(context.RequestAborted);
        if (newLine)
        {
            await context.Response.BodyWriter.WriteAsync("\n"u8.ToArray(), context.RequestAborted);
        }
    }
}
