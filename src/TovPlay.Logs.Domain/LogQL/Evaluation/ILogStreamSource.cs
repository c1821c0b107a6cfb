using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>The streams a selector matches, each with its entries in [start, end) in the given order.</summary>
public sealed record StreamSlice(LabelSet Labels, IEnumerable<LogEntry> Entries);

/// <summary>
/// Where the evaluator reads logs from. A store can push the selector and the time range down (an index, SQL);
/// the evaluator then runs the pipeline over what it yields.
/// </summary>
public interface ILogStreamSource
{
    IEnumerable<StreamSlice> Select(StreamSelector selector, long startNs, long endNs, Direction direction);
}

/// <summary>Streams held in memory (tests, benchmarks, small data sets); entries oldest first.</summary>
public sealed class InMemoryLogSource(IEnumerable<LogStream> streams) : ILogStreamSource
{
    private readonly IReadOnlyList<LogStream> _streams = [.. streams];

    public IEnumerable<StreamSlice> Select(StreamSelector selector, long startNs, long endNs, Direction direction)
    {
        var selection = new StreamSelection(selector);
        foreach (var stream in _streams)
        {
            if (selection.Matches(stream.Labels))
            {
                yield return new StreamSlice(stream.Labels, LogQueryEvaluator.InRange(stream.Entries, startNs, endNs, direction));
            }
        }
    }
}
