using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.Tail;

/// <summary>One tailed entry with the labels of its stream (after the query's pipeline). Shared by every viewer of its tail.</summary>
public sealed class TailLine(LabelSet labels, long timestampNs, string line, LabelSet? metadata = null)
{
    private TailMessageLine? _message;

    public LabelSet Labels { get; } = labels;

    public long TimestampNs { get; } = timestampNs;

    public string Line { get; } = line;

    public LabelSet? Metadata { get; } = metadata;

    /// <summary>
    /// The line as the hub sends it, made once: every viewer of a tail gets the same line objects, and a hundred
    /// viewers must not build a hundred copies of each line's label dictionary.
    /// </summary>
    public TailMessageLine Message => _message ??= TailMessageLine.From(this);
}

/// <summary>
/// What a viewer receives in one read: new lines oldest first, the lines it lost since its last read, and the
/// connection's state when it changed. Losses are counted apart by cause: <see cref="DroppedSlow"/> when this viewer
/// did not read fast enough, <see cref="DroppedUpstream"/> when the source itself reported lost entries.
/// </summary>
public sealed record TailUpdate(IReadOnlyList<TailLine> Lines, long DroppedSlow, long DroppedUpstream, TailStatus? Status)
{
    public long Dropped => DroppedSlow + DroppedUpstream;
}
