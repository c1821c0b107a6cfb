using System.Collections;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>
/// A slice [first, last] of a sorted in-memory entry list, read in either direction. The evaluator recognises it and
/// walks the list by index, skipping the enumerator calls that would otherwise cost more than a substring search.
/// </summary>
public sealed class EntryRange(List<LogEntry> entries, int first, int last, Direction direction) : IEnumerable<LogEntry>
{
    public int Count => Math.Max(0, last - first + 1);

    /// <summary>The k-th entry in reading order.</summary>
    public LogEntry this[int k] => entries[direction == Direction.Forward ? first + k : last - k];

    public IEnumerator<LogEntry> GetEnumerator()
    {
        for (var k = 0; k < Count; k++)
        {
            yield return this[k];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
