using System.IO.Hashing;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>
/// The last entries written to one stream, as (timestamp, hash of the line), so an exact repeat (a client retrying a
/// push whose acknowledgement it lost) is dropped at write time, as Loki drops duplicates. Bounded: the oldest are
/// forgotten first; a retry comes soon after its original, so a few thousand entries cover it.
/// </summary>
public sealed class RecentEntries(int capacity)
{
    // Grown as entries come, not allocated whole: most streams see a few entries, and a client that creates many
    // streams must not cost the full capacity for each.
    private readonly HashSet<(long Ts, ulong Hash)> _set = [];
    private readonly Queue<(long Ts, ulong Hash)> _order = new();

    public static (long, ulong) KeyOf(long ts, ReadOnlySpan<byte> line) => (ts, XxHash3.HashToUInt64(line));

    /// <summary>Remembers the entry; false when it is already remembered (a repeat).</summary>
    public bool TryAdd((long, ulong) key)
    {
        if (!_set.Add(key))
        {
            return false;
        }

        _order.Enqueue(key);
        if (_order.Count > capacity)
        {
            _set.Remove(_order.Dequeue());
        }

        return true;
    }

    /// <summary>Forgets an entry whose write failed (it stays in the order queue and is skipped when it comes up).</summary>
    public void Remove((long, ulong) key) => _set.Remove(key);
}
