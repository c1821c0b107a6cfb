using System.Text;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>A head entry copied out under the lock: its line still UTF-8, in the arena block it was written to.</summary>
public readonly record struct HeadLine(long TimestampNs, ArraySegment<byte> Line, LabelSet? Metadata);

/// <summary>
/// Entries read from the head, oldest first, decoded to strings only as they are enumerated: a query that stops
/// after its limit, or that only counts, never pays for the lines it does not look at.
/// </summary>
public sealed class HeadSnapshot(IReadOnlyList<HeadLine> lines)
{
    public static readonly HeadSnapshot Empty = new([]);

    public int Count => lines.Count;

    public IEnumerable<LogEntry> Entries(bool forward, bool withLines)
    {
        for (var k = 0; k < lines.Count; k++)
        {
            var line = lines[forward ? k : lines.Count - 1 - k];
            yield return new LogEntry(line.TimestampNs, withLines ? Encoding.UTF8.GetString(line.Line) : "", line.Metadata);
        }
    }
}
