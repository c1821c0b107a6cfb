namespace TovPlay.Logs.Domain.Logs.Push;

/// <summary>One stream of a push request: its labels and the entries to append, as the client sent them.</summary>
public sealed record PushStream(LabelSet Labels, IReadOnlyList<LogEntry> Entries)
{
    /// <summary>Items of the app's own making as the streams of one push: grouped by their labels, each item an entry, in their order.</summary>
    public static List<PushStream> Group<T>(IEnumerable<T> items, Func<T, LabelSet> labels, Func<T, LogEntry> entry) =>
        [.. items.GroupBy(labels).Select(g => new PushStream(g.Key, [.. g.Select(entry)]))];
}
