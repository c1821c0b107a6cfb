using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Building;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Model.Lines;
using TovPlay.Logs.Web.Tail;

namespace TovPlay.Logs.Web.Search;

/// <summary>
/// The lines around one line in its own stream, whatever query found it: what happened just before and after.
/// The stream is named by the line's stream labels only (labels a parser added are not part of any stream).
/// </summary>
public sealed class LineContext(ILogSource source)
{
    public static readonly TimeSpan Reach = TimeSpan.FromDays(1);

    /// <summary>Up to <paramref name="each"/> lines before and after, oldest first, the line itself among them.</summary>
    public async Task<IReadOnlyList<ListedLine>> AroundAsync(ListedLine line, int each, CancellationToken cancellationToken)
    {
        var ts = line.Source.TimestampNs;
        var reachNs = (long)Reach.TotalNanoseconds;
        var streamLabels = await source.GetLabelsAsync(new TimeWindow(ts - reachNs, ts + reachNs), cancellationToken);
        var selector = Selector(line, streamLabels);

        var before = source.QueryRangeAsync(new RangeQueryRequest(selector, ts - reachNs, ts + 1) { Limit = each + 1, Direction = Direction.Backward }, cancellationToken);
        var after = source.QueryRangeAsync(new RangeQueryRequest(selector, ts + 1, ts + reachNs) { Limit = each, Direction = Direction.Forward }, cancellationToken);
        var lines = ResultLines.Merge(await before, Direction.Forward).Concat(ResultLines.Merge(await after, Direction.Forward));
        var sequence = 0L;
        return [.. lines.Select(l => new ListedLine(++sequence, new TailLine(l.Labels, l.TimestampNs, l.Line)))];
    }

    /// <summary>
    /// Equality on every stream label the line carries. A label is taken for a stream label when the store knows
    /// the name as one, and the line's own fields do not explain it: a json or logfmt stage adds a field as a label
    /// of its own name, or as <c>name_extracted</c> when a stream label already has the name (Loki's rule), and the
    /// store may know the name from some other stream.
    /// </summary>
    public static string Selector(ListedLine line, IReadOnlyCollection<string> streamLabels)
    {
        var labels = line.Source.Labels;
        var fields = line.Parsed.Fields.Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        bool AddedByParser(string name) =>
            name.EndsWith("_extracted", StringComparison.Ordinal) || (fields.Contains(name) && !labels.Contains(name + "_extracted"));

        var pairs = labels.Pairs.Where(p => !p.Key.StartsWith("__", StringComparison.Ordinal) && !AddedByParser(p.Key)).ToList();
        if (streamLabels.Count > 0 && pairs.Any(p => streamLabels.Contains(p.Key)))
        {
            pairs = [.. pairs.Where(p => streamLabels.Contains(p.Key))];
        }

        if (pairs.Count == 0)
        {
            pairs = [.. labels.Pairs.Where(p => !p.Key.StartsWith("__", StringComparison.Ordinal))];
        }

        var builder = LogQueryBuilder.Stream(pairs[0].Key, pairs[0].Value);
        foreach (var (name, value) in pairs.Skip(1))
        {
            builder = builder.Where(name, MatchOperator.Equal, value);
        }

        return builder.ToString();
    }
}
