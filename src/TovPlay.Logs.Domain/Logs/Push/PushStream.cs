namespace TovPlay.Logs.Domain.Logs.Push;

/// <summary>
/// One stream of a push request: its labels and the entries to append, as the client sent them. Lines stay the UTF-8
/// they came as: the store keeps them so, and a string per line would be most of what ingest allocates.
/// </summary>
public sealed record PushStream(LabelSet Labels, IReadOnlyList<Utf8Entry> Entries)
{
    /// <summary>A stream of entries of the app's own making, their text encoded once here.</summary>
    public static PushStream Of(LabelSet labels, IEnumerable<LogEntry> entries) => new(labels, [.. entries.Select(Utf8Entry.Of)]);

    /// <summary>Items of the app's own making as the streams of one push: grouped by their labels, each item an entry, in their order.</summary>
    public static List<PushStream> Group<T>(IEnumerable<T> items, Func<T, LabelSet> labels, Func<T, LogEntry> entry) =>
        [.. items.GroupBy(labels).Select(g => Of(g.Key, g.Select(entry)))];
}
