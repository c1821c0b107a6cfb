using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>
/// One stream's new entries of a commit, gathered once from every push in it and put in time order once: the chunks,
/// the announcement, the head and the live tail all read them from here.
/// </summary>
internal sealed class StreamRows(StoredStream stream, int capacity)
{
    private List<Utf8Entry> _entries = new(capacity);

    public StoredStream Stream { get; } = stream;

    /// <summary>In time order once <see cref="Order"/> has run; entries of one time keep the order they came in.</summary>
    public List<Utf8Entry> Entries => _entries;

    /// <summary>The keys under which the entries were marked recent, forgotten again if the commit fails.</summary>
    public List<(long, ulong)> Keys { get; } = new(capacity);

    public void Add(Utf8Entry entry, (long, ulong) key)
    {
        _entries.Add(entry);
        Keys.Add(key);
    }

    /// <summary>Sorts by time, stably, when the pushes did not come in order (the usual case needs no sort).</summary>
    public void Order()
    {
        if (EntryOrder.ByTime(_entries) is var ordered && !ReferenceEquals(ordered, _entries))
        {
            _entries = [.. ordered];
        }
    }
}
