using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>
/// What the evaluator asks a source for: the streams of <see cref="Selector"/> with their entries in
/// [<see cref="StartNs"/>, <see cref="EndNs"/>) in <see cref="Direction"/>. The rest are hints a store may use to
/// read less; the evaluator stays correct when a source ignores them, because it still runs the whole pipeline.
/// </summary>
public sealed record LogSelection(StreamSelector Selector, long StartNs, long EndNs, Direction Direction)
{
    /// <summary>
    /// Substring filters every returned line must pass, each an <c>|=</c> (any of its values occurs) or a <c>!=</c>
    /// (none occurs), ordinal. Only filters that see the original line are listed: those before the first stage that
    /// rewrites it.
    /// </summary>
    public IReadOnlyList<LineFilterStage> LineFilters { get; init; } = [];

    /// <summary>
    /// False when nothing looks at the line (counting with an empty pipeline): a store may then return entries with
    /// an empty line and skip reading it.
    /// </summary>
    public bool LinesNeeded { get; init; } = true;

    /// <summary>
    /// For a log query, how many entries the evaluator returns at most; with <see cref="FiltersOnlyByHints"/>, no
    /// stream need yield more than this many, and a store can size its reads by it.
    /// </summary>
    public int? Limit { get; init; }

    /// <summary>True when the pipeline drops no entry beyond what <see cref="LineFilters"/> drop.</summary>
    public bool FiltersOnlyByHints { get; init; }

    /// <summary>
    /// The selection for <paramref name="query"/>, with the literal line filters that run on the original line as
    /// hints. <paramref name="linesNeeded"/> false is honoured only when the pipeline is empty.
    /// </summary>
    public static LogSelection For(LogQueryExpr query, long startNs, long endNs, Direction direction, bool linesNeeded = true, int? limit = null)
    {
        var filters = new List<LineFilterStage>();
        foreach (var stage in query.Pipeline)
        {
            if (stage is LineFormatStage or DecolorizeStage)
            {
                break;
            }

            if (stage is LineFilterStage { Operator: LineFilterOperator.Contains or LineFilterOperator.NotContains } filter
                && filter.Values.All(v => !v.IsIp))
            {
                filters.Add(filter);
            }
        }

        return new LogSelection(query.Selector, startNs, endNs, direction)
        {
            LineFilters = filters,
            LinesNeeded = linesNeeded || query.Pipeline.Count > 0,
            Limit = limit,
            FiltersOnlyByHints = query.Pipeline.All(stage => filters.Contains(stage) || stage is LineFormatStage or DecolorizeStage or LabelFormatStage or DropStage or KeepStage),
        };
    }
}
