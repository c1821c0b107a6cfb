using System.Net;
using System.Net.Http.Headers;
using TovPlay.Logs.Domain.Logs.Push;
using TovPlay.Logs.Web.LogSources.Loki;
using TovPlay.Logs.Web.LogStore;

namespace TovPlay.Logs.Web.LogSources;

/// <summary>
/// Where the app writes lines of its own making (audited statements, seal checkpoints, the sandbox's traffic): the log
/// store it reads, embedded or Loki. <see cref="Name"/> keys the audit shipping high-water mark, so a switch of store
/// ships the trail to the new one.
/// </summary>
public interface ILogSink
{
    string Name { get; }

    /// <summary>Writes the streams; throws <see cref="LinesRefusedException"/> when the store refuses them for good.</summary>
    Task WriteAsync(IReadOnlyList<PushStream> streams, CancellationToken cancellationToken);
}

/// <summary>The store answered that it will never take these lines (e.g. Loki's "entry too far behind"): retrying cannot help.</summary>
public sealed class LinesRefusedException(string message) : Exception(message);

public sealed class EmbeddedLogSink(LogWriter writer) : ILogSink
{
    public string Name => "embedded-log-store";

    public Task WriteAsync(IReadOnlyList<PushStream> streams, CancellationToken cancellationToken) => writer.WriteAsync(streams, cancellationToken);
}

/// <summary>
/// Loki's push API, through the same client as the reads (its address, tenant and credentials, retries of failures
/// on the way). Loki drops an entry it already holds (same stream, time and line), so a batch sent twice is harmless.
/// </summary>
public sealed class LokiLogSink(IHttpClientFactory clients) : ILogSink
{
    public string Name => "loki";

    public async Task WriteAsync(IReadOnlyList<PushStream> streams, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(PushJson.Encode(streams));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await clients.CreateClient(LokiLogSource.HttpClientName).PostAsync("loki/api/v1/push", content, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var reason = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
        if ((int)response.StatusCode is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout))
        {
            throw new LinesRefusedException($"Loki refused the lines ({(int)response.StatusCode}): {reason}");
        }

        throw new HttpRequestException($"Loki's push API answered {(int)response.StatusCode}: {reason}", null, response.StatusCode);
    }
}
