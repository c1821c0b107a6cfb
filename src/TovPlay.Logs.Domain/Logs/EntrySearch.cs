namespace TovPlay.Logs.Domain.Logs;

/// <summary>Binary search by time over entries sorted oldest first.</summary>
public static class EntrySearch
{
    /// <summary>The index of the first entry at or after <paramref name="ts"/>.</summary>
    public static int LowerBound(IReadOnlyList<LogEntry> entries, long ts) => Search(entries, ts, afterEqual: false);

    /// <summary>The index of the first entry after <paramref name="ts"/>.</summary>
    public static int UpperBound(IReadOnlyList<LogEntry> entries, long ts) => Search(entries, ts, afterEqual: true);

    private static int Search(IReadOnlyList<LogEntry> entries, long ts, bool afterEqual)
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
