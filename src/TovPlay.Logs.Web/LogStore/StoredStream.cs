using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>A stream known to the store: its row id, labels, and the newest timestamp written to it by this process.</summary>
public sealed class StoredStream(long id, LabelSet labels)
{
    private long _newestNs = long.MinValue;

    public long Id { get; } = id;

    public LabelSet Labels { get; } = labels;

    public string? Job => Labels["job"];

    /// <summary>Null until this process has written to the stream (an app restart forgets it).</summary>
    public long? NewestNs => Interlocked.Read(ref _newestNs) is var n && n == long.MinValue ? null : n;

    public void Advance(long ns)
    {
        var current = Interlocked.Read(ref _newestNs);
        while (ns > current)
        {
            var seen = Interlocked.CompareExchange(ref _newestNs, ns, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
