using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.Ingest;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Push;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.LogStore;
using TovPlay.Logs.Web.LokiApi;

namespace TovPlay.Logs.Web.Ingest;

/// <summary>
/// <c>POST /api/ingest/frontend</c>: the browsers' log lines. Anonymous, so it defends itself in order: a page of a site
/// not allowed is refused (403), a body that is not JSON text (415) or too large (413), a batch that is not the
/// contract (400, naming the field); one address may send so many batches a second (429 with Retry-After, by the
/// rate limiter). What passes is redacted, labelled by the server alone and written to the log store.
/// </summary>
public static class FrontendIngestEndpoint
{
    public const string Path = "/api/ingest/frontend";
    public const string CorsPolicy = "frontend-ingest";
    public const string RateLimitPolicy = "frontend-ingest";
    public const string SessionHeader = "X-TovPlay-Session";

    // Answers quote what was sent (a bad level, an env): written as typed, not as \u0027 escapes.
    private static readonly JsonSerializerOptions s_json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IEndpointRouteBuilder MapFrontendIngest(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, IngestAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .RequireCors(CorsPolicy)
            .RequireRateLimiting(RateLimitPolicy)
            .WithMetadata(new Security.RateLimitRefusal("Too many log batches from this address; wait as Retry-After says and send them again.", AsJson: true));

        // Any other method is told which one the endpoint takes, rather than being sent to sign in.
        endpoints.MapMethods(Path, [HttpMethods.Get, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete], (HttpContext context) =>
        {
            context.Response.Headers.Allow = "POST";
            return Results.Json(new { error = "Send log batches with POST.", problems = new[] { "Send log batches with POST." } }, s_json, statusCode: StatusCodes.Status405MethodNotAllowed);
        }).AllowAnonymous().DisableAntiforgery();
        return endpoints;
    }

    private static async Task IngestAsync(
        HttpContext context, IOptions<FrontendIngestOptions> options, ILogSink sink, FrontendIngestMetrics metrics, TimeProvider time, ILoggerFactory loggers)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            await RefuseAsync(context, metrics, 404, "disabled", "The frontend ingest endpoint is turned off here (Ingest:Frontend:Enabled).");
            return;
        }

        // CORS only keeps a page from reading the answer: a page of another site could still post, so it is refused here.
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !settings.AllowedOrigins.Any(o => string.Equals(o.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase)))
        {
            await RefuseAsync(context, metrics, 403, "origin", $"Pages of {ShortText.Cut(origin, 200)} may not send logs here; the allowed origins are set in Ingest:Frontend:AllowedOrigins.");
            return;
        }

        if (context.Request.ContentType is { Length: > 0 } type && !IsJsonOrText(type))
        {
            await RefuseAsync(context, metrics, 415, "content-type", $"Send the batch as JSON (application/json, or text/plain as sendBeacon does), not {ShortText.Cut(type, 100)}.");
            return;
        }

        // The push API's bounded reader: it stops at the first bytes past the limit, announced or not.
        PooledBytes body;
        try
        {
            body = await PooledBytes.ReadAsync(context.Request.Body, context.Request.ContentLength, settings.MaxBodyBytes, context.RequestAborted);
        }
        catch (PushTooLargeException)
        {
            await RefuseAsync(context, metrics, 413, "too-large", $"A batch is at most {settings.MaxBodyBytes:N0} bytes; send fewer entries at a time.");
            return;
        }

        var now = time.GetUtcNow();
        FrontendBatch? batch;
        IReadOnlyList<string> problems;
        using (body)
        {
            (batch, problems) = FrontendBatch.Read(body.Memory, settings.ToLimits(), now);
        }

        if (batch is null)
        {
            await RefuseAsync(context, metrics, 400, "invalid", problems[0], problems);
            return;
        }

        var token = batch.Session ?? (context.Request.Headers[SessionHeader].ToString() is { Length: > 0 } header ? header : null);
        var verified = token is null ? default((SessionTokenStatus Status, SessionUser? User)?) : SessionToken.Verify(token, now, Encoding.UTF8.GetBytes(settings.SessionKey));
        var caller = new FrontendCaller(Address(context.Connection.RemoteIpAddress), context.Request.Headers.UserAgent.ToString(), verified?.Status, verified?.User);
        var (streams, redactions) = FrontendLines.Build(batch, caller);

        // The store's own limits (line size, label sizes, out-of-order window) are checked before anything is written.
        var check = PushValidator.Validate(streams, now, new PushLimits());
        if (check.Problems.Count > 0)
        {
            await RefuseAsync(context, metrics, 400, "store-limits", check.Problems[0], check.Problems);
            return;
        }

        try
        {
            await sink.WriteAsync(streams, context.RequestAborted);
        }
        catch (Exception ex) when (ex is LogStoreRefusedException or LinesRefusedException)
        {
            await RefuseAsync(context, metrics, 400, "store-refused", ex.Message);
            return;
        }
        catch (Exception ex) when (ex is LogStoreUnavailableException or HttpRequestException && !context.RequestAborted.IsCancellationRequested)
        {
            loggers.CreateLogger(typeof(FrontendIngestEndpoint)).LogWarning(ex, "Frontend log batch of {Entries} entries not stored: the log store is unavailable", batch.Entries.Count);
            context.Response.Headers.RetryAfter = "5";
            await RefuseAsync(context, metrics, 503, "unavailable", "The log store is unavailable; send the batch again shortly.");
            return;
        }

        metrics.Stored(batch.Entries.Count, redactions);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { accepted = batch.Entries.Count, redacted = redactions }, s_json), context.RequestAborted);
    }

    private static bool IsJsonOrText(string contentType)
    {
        var media = contentType.Split(';')[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Equals("text/plain", StringComparison.OrdinalIgnoreCase);
    }

    private static string? Address(IPAddress? address) => address is null ? null : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    private static async Task RefuseAsync(HttpContext context, FrontendIngestMetrics metrics, int status, string reason, string error, IReadOnlyList<string>? problems = null)
    {
        metrics.Refused(reason);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { error, problems = problems ?? [error] }, s_json), context.RequestAborted);
    }

}
