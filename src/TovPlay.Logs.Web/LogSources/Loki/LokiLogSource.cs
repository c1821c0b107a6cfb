using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.LogSources.Loki;

/// <summary>
/// A client of a real Loki (or anything speaking its API, such as the embedded store's). It hides Loki's limits from
/// callers: a log query asking for more than Loki's per-request maximum is read in pages (Loki truncates silently at
/// its limit, so a full page means "ask again from the last timestamp"), a range longer than Loki's maximum length or
/// finer than its point limit is split into windows, and a tail that drops reconnects and resumes from its last entry.
/// Transient HTTP failures are retried by the resilience handler the client is registered with.
/// </summary>
public sealed class LokiLogSource(IHttpClientFactory httpClients, IOptions<LogSourceOptions> options, ILogger<LokiLogSource> logger) : ILogSource
{
    public const string HttpClientName = "loki";

    private LogSourceOptions Options => options.Value;

    public string Kind => LogSourceOptions.Loki;

    public async Task<QueryResponse> QueryRangeAsync(RangeQueryRequest request, CancellationToken cancellationToken)
    {
        var isMetric = LogQLQuery.TryParse(request.Query, out var expr, out _) && expr is not LogQueryExpr;
        var step = request.StepNs ?? QueryLimits.DefaultStepNs(request.StartNs, request.EndNs);
        var limits = Options.Limits with { MaxQueryLength = TimeSpan.MaxValue, MaxPointsPerSeries = int.MaxValue };
        if (limits.Check(request.StartNs, request.EndNs, request.Limit, step, isMetric) is { } problem)
        {
            throw new LogSourceException(LogSourceError.BadRequest, problem);
        }

        return isMetric
            ? await MetricInWindowsAsync(request, step, cancellationToken)
            : await LogsInPagesAsync(request, cancellationToken);
    }

    public async Task<QueryResponse> QueryInstantAsync(InstantQueryRequest request, CancellationToken cancellationToken)
    {
        var query = Query(("query", request.Query), ("time", Ns(request.TimeNs)), ("limit", request.Limit.ToString(CultureInfo.InvariantCulture)),
            ("direction", Direction(request.Direction)));
        using var document = await GetJsonAsync($"loki/api/v1/query?{query}", cancellationToken);
        return LokiResponseReader.ReadQuery(document.RootElement);
    }

    public async Task<IReadOnlyList<string>> GetLabelsAsync(TimeWindow window, CancellationToken cancellationToken)
    {
        using var document = await GetJsonAsync($"loki/api/v1/labels?{Query(("start", Ns(window.StartNs)), ("end", Ns(window.EndNs)))}", cancellationToken);
        return LokiResponseReader.ReadStrings(document.RootElement);
    }

    public async Task<IReadOnlyList<string>> GetLabelValuesAsync(string name, TimeWindow window, CancellationToken cancellationToken)
    {
        using var document = await GetJsonAsync(
            $"loki/api/v1/label/{Uri.EscapeDataString(name)}/values?{Query(("start", Ns(window.StartNs)), ("end", Ns(window.EndNs)))}", cancellationToken);
        return LokiResponseReader.ReadStrings(document.RootElement);
    }

    public async Task<IReadOnlyList<LabelSet>> GetSeriesAsync(IReadOnlyList<string> match, TimeWindow window, CancellationToken cancellationToken)
    {
        // POSTed as a form: several selectors can exceed what a URL may hold.
        var form = match.Select(m => new KeyValuePair<string, string>("match[]", m))
            .Append(new("start", Ns(window.StartNs)))
            .Append(new("end", Ns(window.EndNs)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "loki/api/v1/series") { Content = new FormUrlEncodedContent(form) };
        using var document = await SendJsonAsync(request, cancellationToken);
        return LokiResponseReader.ReadSeries(document.RootElement);
    }

    public async IAsyncEnumerable<TailBatch> TailAsync(TailRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var resumeFrom = request.StartNs;
        var lastTs = long.MinValue;
        var seenAtLast = new HashSet<(LabelSet, string)>();
        var failures = 0;
        var interrupted = false;
        while (true)
        {
            using var socket = await ConnectTailAsync(request, resumeFrom, failures, cancellationToken);
            if (socket is null)
            {
                failures++;
                interrupted = true;
                yield return TailBatch.Interrupted($"cannot connect to Loki's tail (attempt {failures}); retrying");
                await Backoff(failures, cancellationToken);
                continue;
            }

            // Loki sends nothing until it has entries: an empty batch tells the reader the tail is open (again).
            yield return new TailBatch([], []) { Resumed = interrupted };
            interrupted = false;

            while (true)
            {
                var frame = await ReceiveFrameAsync(socket, cancellationToken);
                if (frame.Batch is null)
                {
                    if (frame.CloseStatus == WebSocketCloseStatus.InternalServerError)
                    {
                        var reason = frame.CloseReason ?? "the tail was closed by Loki";
                        throw new LogSourceException(
                            reason.Contains("max concurrent tail", StringComparison.OrdinalIgnoreCase) ? LogSourceError.TooManyRequests : LogSourceError.BadRequest,
                            reason);
                    }

                    logger.LogInformation("Loki tail ended ({Status} {Reason}); resuming from {Resume}", frame.CloseStatus, frame.CloseReason, lastTs);
                    interrupted = true;
                    yield return TailBatch.Interrupted($"Loki's tail connection ended ({frame.CloseStatus?.ToString() ?? "no close frame"}{(frame.CloseReason is { Length: > 0 } r ? ": " + r : "")}); reconnecting");
                    break;
                }

                failures = 0;
                var fresh = new List<StreamResult>();
                foreach (var stream in frame.Batch.Streams)
                {
                    foreach (var entry in stream.Entries)
                    {
                        // A resumed tail starts at the last timestamp seen: skip what was already delivered at it.
                        if (entry.TimestampNs < lastTs || entry.TimestampNs == lastTs && !seenAtLast.Add((stream.Labels, entry.Line)))
                        {
                            continue;
                        }

                        if (entry.TimestampNs > lastTs)
                        {
                            lastTs = entry.TimestampNs;
                            seenAtLast.Clear();
                            seenAtLast.Add((stream.Labels, entry.Line));
                        }

                        fresh.Add(new StreamResult(stream.Labels, [entry]));
                    }
                }

                if (fresh.Count > 0 || frame.Batch.Dropped.Count > 0)
                {
                    yield return new TailBatch(fresh, frame.Batch.Dropped);
                }
            }

            resumeFrom = lastTs == long.MinValue ? resumeFrom : lastTs;
            failures++;
            await Backoff(failures, cancellationToken);
        }
    }

    public async Task<string?> CheckReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Client.GetAsync("ready", cancellationToken);
            return response.IsSuccessStatusCode ? null : $"Loki is not ready: {(int)response.StatusCode} {(await response.Content.ReadAsStringAsync(cancellationToken)).Trim()}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return $"Loki cannot be reached: {ex.Message}";
        }
    }

    private HttpClient Client => httpClients.CreateClient(HttpClientName);

    private async Task<QueryResponse> LogsInPagesAsync(RangeQueryRequest request, CancellationToken cancellationToken)
    {
        var collected = new Dictionary<LabelSet, List<LogEntry>>();
        var order = new List<LabelSet>();
        var total = 0;
        var statistics = new QueryStatistics();
        var warnings = new List<string>();
        foreach (var (windowStart, windowEnd) in Windows(request.StartNs, request.EndNs, Options.LokiMaxQueryLength, request.Direction))
        {
            var (from, to) = (windowStart, windowEnd);
            var boundary = new HashSet<(LabelSet, long, string)>();
            while (total < request.Limit)
            {
                var want = Math.Min(request.Limit - total, Options.LokiMaxEntriesPerQuery);
                var query = Query(("query", request.Query), ("start", Ns(from)), ("end", Ns(to)), ("limit", want.ToString(CultureInfo.InvariantCulture)),
                    ("direction", Direction(request.Direction)));
                using var document = await GetJsonAsync($"loki/api/v1/query_range?{query}", cancellationToken);
                var page = LokiResponseReader.ReadQuery(document.RootElement);
                statistics = Add(statistics, page.Statistics);
                var entries = page.Streams.SelectMany(s => s.Entries.Select(e => (s.Labels, Entry: e)))
                    .OrderBy(e => request.Direction == Domain.LogQL.Evaluation.Direction.Forward ? e.Entry.TimestampNs : -e.Entry.TimestampNs)
                    .ToList();
                var added = 0;
                foreach (var (labels, entry) in entries)
                {
                    if (!boundary.Add((labels, entry.TimestampNs, entry.Line)))
                    {
                        continue;
                    }

                    if (!collected.TryGetValue(labels, out var list))
                    {
                        collected[labels] = list = [];
                        order.Add(labels);
                    }

                    list.Add(entry);
                    added++;
                    total++;
                }

                // Fewer than asked: the window is exhausted.
                if (entries.Count < want)
                {
                    break;
                }

                // Ask again from the last timestamp read (Loki's end is exclusive, its start inclusive), keeping
                // what was already read at that timestamp out.
                var last = entries[^1].Entry.TimestampNs;
                if (added == 0)
                {
                    // More entries share one timestamp than a page holds: Loki cannot page within a timestamp. Say so
                    // and go past it rather than loop or drop them unnoticed.
                    warnings.Add($"more than {want} entries share the timestamp {last}; only {want} of them could be read (Loki's max_entries_limit_per_query)");
                    boundary.Clear();
                    (from, to) = request.Direction == Domain.LogQL.Evaluation.Direction.Forward ? (last + 1, to) : (from, last);
                    if (from >= to)
                    {
                        break;
                    }

                    continue;
                }

                boundary.RemoveWhere(b => b.Item2 != last);
                (from, to) = request.Direction == Domain.LogQL.Evaluation.Direction.Forward ? (last, to) : (from, last + 1);
            }

            if (total >= request.Limit)
            {
                break;
            }
        }

        return new QueryResponse(ResultType.Streams, [.. order.Select(l => new StreamResult(l, collected[l]))], [])
        {
            Statistics = statistics with { EntriesReturned = total },
            Warnings = warnings,
        };
    }

    private async Task<QueryResponse> MetricInWindowsAsync(RangeQueryRequest request, long stepNs, CancellationToken cancellationToken)
    {
        // Each window holds whole steps, at most Loki's point limit and maximum length. Loki evaluates on the step
        // grid (start rounded down, end up), so the windows are cut on it: none then reaches into the next one's step.
        var maxSteps = Math.Max(1, Math.Min(Options.LokiMaxPointsPerSeries - 1, (long)(Options.LokiMaxQueryLength.Ticks * 100 / stepNs)));
        var grid = StepGrid.Range(request.StartNs, request.EndNs, stepNs);
        var series = new Dictionary<LabelSet, List<SamplePoint>>();
        var statistics = new QueryStatistics();
        var type = ResultType.Matrix;
        for (var from = grid.StartNs; from <= grid.EndNs; from += (maxSteps + 1) * stepNs)
        {
            var to = Math.Min(grid.EndNs, from + maxSteps * stepNs);
            var query = Query(("query", request.Query), ("start", Ns(from)), ("end", Ns(to)), ("step", Seconds(stepNs)),
                ("limit", request.Limit.ToString(CultureInfo.InvariantCulture)), ("direction", Direction(request.Direction)));
            using var document = await GetJsonAsync($"loki/api/v1/query_range?{query}", cancellationToken);
            var part = LokiResponseReader.ReadQuery(document.RootElement);
            type = part.Type;
            statistics = Add(statistics, part.Statistics);
            foreach (var s in part.Series)
            {
                if (!series.TryGetValue(s.Labels, out var points))
                {
                    series[s.Labels] = points = [];
                }

                points.AddRange(s.Points);
            }
        }

        return new QueryResponse(type, [], [.. series.Select(s => new MetricSeries(s.Key, s.Value))]) { Statistics = statistics };
    }

    private static IEnumerable<(long Start, long End)> Windows(long start, long end, TimeSpan maxLength, Direction direction)
    {
        var length = Math.Max(1, maxLength.Ticks * 100);
        var windows = new List<(long, long)>();
        for (var from = start; from < end || windows.Count == 0; from += length)
        {
            windows.Add((from, Math.Min(end, from + length)));
        }

        if (direction == Domain.LogQL.Evaluation.Direction.Backward)
        {
            windows.Reverse();
        }

        return windows;
    }

    private async Task<ClientWebSocket?> ConnectTailAsync(TailRequest request, long? start, int failures, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        foreach (var (name, value) in Headers())
        {
            socket.Options.SetRequestHeader(name, value);
        }

        var parameters = new List<(string, string)> { ("query", request.Query), ("limit", request.Limit.ToString(CultureInfo.InvariantCulture)) };
        if (start is { } s)
        {
            parameters.Add(("start", Ns(s)));
        }

        if (request.DelayFor > TimeSpan.Zero)
        {
            parameters.Add(("delay_for", ((int)request.DelayFor.TotalSeconds).ToString(CultureInfo.InvariantCulture)));
        }

        var http = new Uri(BaseAddress, $"loki/api/v1/tail?{Query([.. parameters])}");
        var uri = new UriBuilder(http) { Scheme = http.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" }.Uri;
        try
        {
            await socket.ConnectAsync(uri, cancellationToken);
            return socket;
        }
        catch (WebSocketException) when (!cancellationToken.IsCancellationRequested)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            if (status is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                // The reason is in the refused response's body, which a WebSocket client does not see: ask for it.
                using var refused = await Client.GetAsync(http, cancellationToken);
                var text = (await refused.Content.ReadAsStringAsync(cancellationToken)).Trim();
                throw new LogSourceException(status == HttpStatusCode.BadRequest ? LogSourceError.BadRequest : LogSourceError.Unauthorized, text);
            }

            logger.LogWarning("Loki tail could not connect (attempt {Attempt}, status {Status})", failures + 1, status);
            return null;
        }
    }

    private static async Task<(TailBatch? Batch, WebSocketCloseStatus? CloseStatus, string? CloseReason)> ReceiveFrameAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return (null, socket.CloseStatus, socket.CloseStatusDescription);
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    using var document = JsonDocument.Parse(message.ToArray());
                    return (LokiResponseReader.ReadTailFrame(document.RootElement), null, null);
                }
            }
        }
        catch (WebSocketException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, null, ex.Message);
        }
    }

    private static Task Backoff(int failures, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(failures, 10)))), cancellationToken);

    private Uri BaseAddress => Client.BaseAddress ?? throw new InvalidOperationException("LogSource:Url is not set.");

    /// <summary>Tenant and credentials, for the WebSocket, which does not go through the HttpClient's handlers.</summary>
    private IEnumerable<(string Name, string Value)> Headers()
    {
        if (!string.IsNullOrEmpty(Options.TenantId))
        {
            yield return ("X-Scope-OrgID", Options.TenantId);
        }

        if (BasicAuthorization(Options) is { } authorization)
        {
            yield return ("Authorization", authorization.ToString());
        }
    }

    public static AuthenticationHeaderValue? BasicAuthorization(LogSourceOptions options) =>
        string.IsNullOrEmpty(options.Username) && string.IsNullOrEmpty(options.Password)
            ? null
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")));

    private Task<JsonDocument> GetJsonAsync(string relative, CancellationToken cancellationToken) =>
        SendJsonAsync(new HttpRequestMessage(HttpMethod.Get, relative), cancellationToken);

    private async Task<JsonDocument> SendJsonAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                throw new LogSourceException(LogSourceError.Unavailable, $"Loki cannot be reached: {ex.Message}", ex);
            }
            catch (Exception ex) when (ex is TaskCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                throw new LogSourceException(LogSourceError.Timeout, $"Loki did not answer in time: {ex.Message}", ex);
            }

            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    // Loki's errors are plain text, even when labelled JSON.
                    var text = (await response.Content.ReadAsStringAsync(cancellationToken)).TrimEnd('\n');
                    throw new LogSourceException(ErrorOf(response.StatusCode), text.Length > 0 ? text : $"Loki answered {(int)response.StatusCode} {response.ReasonPhrase}");
                }

                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                return await JsonDocument.ParseAsync(body, default, cancellationToken);
            }
        }
    }

    private static LogSourceError ErrorOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.RequestEntityTooLarge => LogSourceError.BadRequest,
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => LogSourceError.Unauthorized,
        HttpStatusCode.TooManyRequests => LogSourceError.TooManyRequests,
        HttpStatusCode.GatewayTimeout or HttpStatusCode.RequestTimeout => LogSourceError.Timeout,
        HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable => LogSourceError.Unavailable,
        _ => LogSourceError.Internal,
    };

    private static QueryStatistics Add(QueryStatistics a, QueryStatistics b) => new()
    {
        LinesProcessed = a.LinesProcessed + b.LinesProcessed,
        BytesProcessed = a.BytesProcessed + b.BytesProcessed,
        ExecutionTime = a.ExecutionTime + b.ExecutionTime,
        EntriesReturned = a.EntriesReturned + b.EntriesReturned,
    };

    private static string Query(params (string Name, string Value)[] parameters) =>
        string.Join("&", parameters.Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value)}"));

    private static string Ns(long ns) => ns.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(long ns) => (ns / 1e9).ToString("0.#########", CultureInfo.InvariantCulture);

    private static string Direction(Direction direction) => direction == Domain.LogQL.Evaluation.Direction.Forward ? "forward" : "backward";
}
