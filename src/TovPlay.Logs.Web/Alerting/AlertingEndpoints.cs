using System.Text;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Hosting;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>
/// <c>POST /logs/api/alerts/alertmanager</c> (an API key allowed to push): an Alertmanager-compatible receiver. Point an
/// Alertmanager's <c>webhook_configs</c>, or a Prometheus or Loki ruler's <c>alertmanagers</c>, at it, and their alerts get this
/// app's routing, silences, history and Discord messages.
/// </summary>
public static class AlertingEndpoints
{
    public const string ReceiverPath = "/api/alerts/alertmanager";
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>Downloads of the exports (Admins): <c>loki-rules.yml</c>, <c>prometheus-rules.yml</c>, <c>alertmanager.yml</c> (<c>?webhooks=include</c> for the addresses).</summary>
    public const string ExportPath = "/api/alerts/export/{file}";

    public static void MapAlertingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ExportPath, ExportAsync).RequireAuthorization(AppPolicies.Admin).DisableAntiforgery();
        endpoints.MapPost(ReceiverPath, ReceiveAsync).RequireAuthorization(AppPolicies.LogPush).DisableAntiforgery();
        // Prometheus and Loki's ruler post to Alertmanager's own API path under the address they are given.
        endpoints.MapPost(ReceiverPath + "/api/v2/alerts", ReceiveAsync).RequireAuthorization(AppPolicies.LogPush).DisableAntiforgery();
    }

    public static string ExportLink(string file, bool includeWebhooks = false) => $"api/alerts/export/{file}" + (includeWebhooks ? "?webhooks=include" : "");

    private static async Task ExportAsync(HttpContext context, string file, AlertingInterop interop)
    {
        var ct = context.RequestAborted;
        string? yaml = file switch
        {
            "loki-rules.yml" => await interop.ExportRulesAsync(AlertDataSource.LogQL, ct),
            "prometheus-rules.yml" => await interop.ExportRulesAsync(AlertDataSource.PromQL, ct),
            "alertmanager.yml" => await interop.ExportAlertmanagerAsync(context.Request.Query["webhooks"] == "include", context.User, ct),
            _ => null,
        };
        if (yaml is null)
        {
            await PlainRefusal.WriteAsync(context, StatusCodes.Status404NotFound, "No such export: loki-rules.yml, prometheus-rules.yml or alertmanager.yml.");
            return;
        }

        context.Response.ContentType = "application/yaml; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{file}\"";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(yaml, ct);
    }

    private static async Task ReceiveAsync(HttpContext context, ExternalAlertStore store, TimeProvider time)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            await PlainRefusal.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBodyBytes / 1024} KB; send fewer alerts at a time.");
            return;
        }

        var body = await ReadAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            await PlainRefusal.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBodyBytes / 1024} KB; send fewer alerts at a time.");
            return;
        }

        IReadOnlyList<ExternalAlert> alerts;
        try
        {
            alerts = AlertmanagerPayload.Read(body, time.GetUtcNow());
        }
        catch (FormatException ex)
        {
            await PlainRefusal.WriteAsync(context, StatusCodes.Status400BadRequest, ex.Message);
            return;
        }

        var (firing, resolved) = await store.ReceiveAsync(alerts, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(new { status = "success", received = alerts.Count, firing, resolved }, context.RequestAborted);
    }

    /// <summary>The body as text, or null past the limit (a chunked body has no length to check up front).</summary>
    private static async Task<string?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
