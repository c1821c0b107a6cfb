namespace TovPlay.Logs.Domain.Logs;

/// <summary>Entries oldest first, as chunks and the head keep them.</summary>
public static class EntryOrder
{
    /// <summary>
    /// The entries in time order, stably (entries of one time keep their order): the same list when it already is,
    /// as a push's usually is, so the common case costs one pass and no copy.
    /// </summary>
    public static IReadOnlyList<T> ByTime<T>(IReadOnlyList<T> entries)
        where T : ITimestamped
    {
        for (var i = 1; i < entries.Count; i++)
        {
            if (entries[i].TimestampNs < entries[i - 1].TimestampNs)
            {
                return entries.OrderBy(e => e.TimestampNs).ToList();
            }
        }

        return entries;
    }
}
