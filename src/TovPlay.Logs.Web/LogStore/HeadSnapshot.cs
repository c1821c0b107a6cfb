using System.Text;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>A head entry copied out under the lock: its line still UTF-8, in the arena block it was written to.</summary>
public readonly record struct HeadLine(long TimestampNs, ArraySegment<byte> Line, LabelSet? Metadata);

/// <summary>
/// Entries read from the head, decoded to strings only as they are enumerated: a query that stops after its limit,
/// or that only counts, never pays for the lines it does not look at. The copies are kept in blocks small enough to
/// stay off the large object heap: a query over a busy stream copies tens of thousands of entries, and one large array
/// per query had the GC collect generation 2 again and again, a background collection taking a core from the query.
/// </summary>
public sealed class HeadSnapshot
{
    // 2,048 entries of 32 bytes: 64 KB, under the large object heap's 85,000 bytes.
    private const int BlockSize = 2048;

    private readonly List<HeadLine[]> _blocks = [];
    private readonly bool _newestFirst;

    /// <param name="newestFirst">The lines will be added newest first (a read from the newest end).</param>
    public HeadSnapshot(bool newestFirst = false)
    {
        _newestFirst = newestFirst;
    }

    public static readonly HeadSnapshot Empty = new();

    public int Count { get; private set; }

    internal void Add(HeadLine line)
    {
        if (Count % BlockSize == 0)
        {
            _blocks.Add(new HeadLine[BlockSize]);
        }

        _blocks[^1][Count % BlockSize] = line;
        Count++;
    }

    public IEnumerable<LogEntry> Entries(bool forward, bool withLines)
    {
        for (var k = 0; k < Count; k++)
        {
            var line = At(forward, k);
            yield return new LogEntry(line.TimestampNs, withLines ? Encoding.UTF8.GetString(line.Line) : "", line.Metadata);
        }
    }

    /// <summary>The entries with their lines as the head keeps them, for a reader that works on UTF-8.</summary>
    public IEnumerable<Utf8Entry> Utf8Entries(bool forward)
    {
        for (var k = 0; k < Count; k++)
        {
            var line = At(forward, k);
            yield return new Utf8Entry(line.TimestampNs, line.Line, line.Metadata);
        }
    }

    /// <summary>The k-th line by time in the asked direction.</summary>
    private HeadLine At(bool forward, int k)
    {
        var oldestFirst = forward ? k : Count - 1 - k;
        var added = _newestFirst ? Count - 1 - oldestFirst : oldestFirst;
        return _blocks[added / BlockSize][added % BlockSize];
    }
}
