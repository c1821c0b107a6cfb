using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.Shared;

/// <summary>
/// Acts as a store that takes every hint of a <see cref="LogSelection"/>: it drops lines the pushed-down filters
/// reject and blanks lines nobody needs. Results through it must equal results through the plain source.
/// </summary>
public sealed class HintApplyingSource(ILogStreamSource inner) : ILogStreamSource
{
    public List<LogSelection> Selections { get; } = [];

    public IEnumerable<StreamSlice> Select(LogSelection selection)
    {
        Selections.Add(selection);
        return inner.Select(selection).Select(slice => slice with { Entries = Apply(slice.Entries, selection) });
    }

    private static IEnumerable<LogEntry> Apply(IEnumerable<LogEntry> entries, LogSelection selection)
    {
        foreach (var entry in entries)
        {
            if (selection.LineFilters.All(f => Passes(f, entry.Line)))
            {
                yield return selection.LinesNeeded ? entry : entry with { Line = "" };
            }
        }
    }

    private static bool Passes(LineFilterStage filter, string line)
    {
        var any = filter.Values.Any(v => line.Contains(v.Value, StringComparison.Ordinal));
        return filter.Operator == LineFilterOperator.Contains ? any : !any;
    }
}
