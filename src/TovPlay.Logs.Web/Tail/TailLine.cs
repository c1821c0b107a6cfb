using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.Tail;

/// <summary>One tailed entry with the labels of its stream (after the query's pipeline).</summary>
public sealed record TailLine(LabelSet Labels, long TimestampNs, string Line, LabelSet? Metadata = null);

/// <summary>
/// What a viewer receives in one read: new lines oldest first, the lines it lost since its last read, and the
/// connection's state when it changed. Losses are counted apart by cause: <see cref="DroppedSlow"/> when this viewer
/// did not read fast enough, <see cref="DroppedUpstream"/> when the source itself reported lost entries.
/// </summary>
public sealed record TailUpdate(IReadOnlyList<TailLine> Lines, long DroppedSlow, long DroppedUpstream, TailStatus? Status)
{
    public long Dropped => DroppedSlow + DroppedUpstream;
}
