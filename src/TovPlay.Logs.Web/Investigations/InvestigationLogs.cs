using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.Investigations;

/// <summary>Reads log lines for an investigation as the Domain's <see cref="RequestLine"/>s: each line's time, job and parsed fields.</summary>
public sealed class InvestigationLogs(ILogSource logs)
{
    /// <summary>The most lines one question reads; an answer built on a cut list says so.</summary>
    public const int MaxLines = 5000;

    public async Task<IReadOnlyList<RequestLine>> ReadAsync(
        string query, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken, int limit = MaxLines, Direction direction = Direction.Backward)
    {
        var response = await logs.QueryRangeAsync(new RangeQueryRequest(query, TimeWindow.Ns(start), TimeWindow.Ns(end)) { Limit = limit, Direction = direction }, cancellationToken);
        return [.. Lines(response)];
    }

    public static IEnumerable<RequestLine> Lines(QueryResponse response) =>
        response.Streams.SelectMany(stream => stream.Entries.Select(entry => new RequestLine(
            DateTimeOffset.UnixEpoch.AddTicks(entry.TimestampNs / 100), stream.Labels["job"] ?? "",
            LineFields.Extract(entry.Line).Fields.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal), entry.Line)));
}
