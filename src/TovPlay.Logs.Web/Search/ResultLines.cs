using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs.Export;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.Search;

/// <summary>
/// A log query's answer as one list in the query's direction (sources answer per stream), and reads longer than one
/// query may return, page by page.
/// </summary>
public static class ResultLines
{
    /// <summary>Every entry of every stream, newest first for a backward query, oldest first for a forward one.</summary>
    public static List<ExportedLine> Merge(QueryResponse response, Direction direction)
    {
        var lines = new List<ExportedLine>(response.EntryCount);
        foreach (var stream in response.Streams)
        {
            foreach (var entry in stream.Entries)
            {
                lines.Add(new ExportedLine(entry.TimestampNs, stream.Labels, entry.Line));
            }
        }

        // Stable, so entries with one timestamp keep the order their stream gave them.
        return direction == Direction.Forward
            ? [.. lines.OrderBy(l => l.TimestampNs)]
            : [.. lines.OrderByDescending(l => l.TimestampNs)];
    }

    /// <summary>
    /// Up to <paramref name="total"/> entries of a log query over [start, end), in pages of at most
    /// <paramref name="pageSize"/> (a source refuses more per query). Each page starts at the last timestamp of the
    /// one before, including it, and skips the entries at that timestamp it already gave: several entries may share
    /// one nanosecond, and a page may have ended between them.
    /// </summary>
    public static async IAsyncEnumerable<ExportedLine> ReadAsync(
        ILogSource source, string query, long startNs, long endNs, Direction direction, int total, int pageSize,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var given = 0;
        var seenAtEdge = new HashSet<(string Labels, string Line)>();
        long? edge = null;
        while (given < total && startNs < endNs)
        {
            var want = Math.Min(pageSize, total - given + seenAtEdge.Count);
            var response = await source.QueryRangeAsync(
                new RangeQueryRequest(query, startNs, endNs) { Limit = Math.Min(want, pageSize), Direction = direction }, cancellationToken);
            var page = Merge(response, direction);
            var fresh = 0;
            foreach (var line in page)
            {
                if (line.TimestampNs == edge && seenAtEdge.Contains((line.Labels.ToString(), line.Line)))
                {
                    continue;
                }

                if (line.TimestampNs != edge)
                {
                    edge = line.TimestampNs;
                    seenAtEdge.Clear();
                }

                seenAtEdge.Add((line.Labels.ToString(), line.Line));
                fresh++;
                yield return line;
                if (++given == total)
                {
                    yield break;
                }
            }

            if (page.Count < Math.Min(want, pageSize) || fresh == 0 || edge is null)
            {
                // The source had no more, or one nanosecond holds more entries than a page: nothing further to read.
                yield break;
            }

            if (direction == Direction.Forward)
            {
                startNs = edge.Value;
            }
            else
            {
                endNs = edge.Value + 1;
            }
        }
    }
}
