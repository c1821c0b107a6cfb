using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>The streams a selector matches, each with its entries in [start, end) in the given order.</summary>
public sealed record StreamSlice(LabelSet Labels, IEnumerable<LogEntry> Entries)
{
    /// <summary>
    /// The same entries with their lines still UTF-8, when the source keeps them so; a reader takes one or the
    /// other, never both.
    /// </summary>
    public IEnumerable<Utf8Entry>? Utf8Entries { get; init; }
}

/// <summary>
/// Where the evaluator reads logs from. A store can push the selector, the time range and the hints in
/// <see cref="LogSelection"/> down (an index, SQL); the evaluator then runs the whole pipeline over what it yields.
/// </summary>
public interface ILogStreamSource
{
    IEnumerable<StreamSlice> Select(LogSelection selection);
}

/// <summary>Streams held in memory (tests, benchmarks, small data sets); entries oldest first. Hints are ignored.</summary>
public sealed class InMemoryLogSource(IEnumerable<LogStream> streams) : ILogStreamSource
{
    private readonly IReadOnlyList<(LabelSet Labels, List<LogEntry> Entries)> _streams =
        [.. streams.Select(s => (s.Labels, s.Entries as List<LogEntry> ?? [.. s.Entries]))];

    public IEnumerable<StreamSlice> Select(LogSelection selection)
    {
        var matcher = new StreamSelection(selection.Selector);
        foreach (var (labels, entries) in _streams)
        {
            if (matcher.Matches(labels))
            {
                var first = EntrySearch.LowerBound(entries, selection.StartNs);
                var last = EntrySearch.LowerBound(entries, selection.EndNs) - 1;
                yield return new StreamSlice(labels, new EntryRange(entries, first, last, selection.Direction));
            }
        }
    }
}
