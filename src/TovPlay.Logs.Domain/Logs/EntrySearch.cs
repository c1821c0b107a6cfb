namespace TovPlay.Logs.Domain.Logs;

/// <summary>Something placed in time, in Unix nanoseconds.</summary>
public interface ITimestamped
{
    long TimestampNs { get; }
}

/// <summary>Binary search by time over entries sorted oldest first.</summary>
public static class EntrySearch
{
    /// <summary>The index of the first entry at or after <paramref name="ts"/>.</summary>
    public static int LowerBound<T>(IReadOnlyList<T> entries, long ts)
        where T : ITimestamped => Search(entries, ts, afterEqual: false);

    /// <summary>The index of the first entry after <paramref name="ts"/>.</summary>
    public static int UpperBound<T>(IReadOnlyList<T> entries, long ts)
        where T : ITimestamped => Search(entries, ts, afterEqual: true);

    private static int Search<T>(IReadOnlyList<T> entries, long ts, bool afterEqual)
        where T : ITimestamped
    {
        int lo = 0, hi = entries.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            var before = afterEqual ? entries[mid].TimestampNs <= ts : entries[mid].TimestampNs < ts;
            if (before)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
