using System.Globalization;

namespace TovPlay.Logs.Web.Tail;

/// <summary>A tail update as the hub sends it: Loki's conventions (nanosecond timestamps as strings, labels as an object).</summary>
public sealed record TailMessage(IReadOnlyList<TailMessageLine> Lines, long DroppedSlow, long DroppedUpstream, string? State, string? Reason)
{
    public static TailMessage From(TailUpdate update) => new(
        [.. update.Lines.Select(l => l.Message)],
        update.DroppedSlow,
        update.DroppedUpstream,
        update.Status?.State.ToString(),
        update.Status?.Reason);
}

public sealed record TailMessageLine(string Ts, IReadOnlyDictionary<string, string> Labels, string Line, IReadOnlyDictionary<string, string>? Metadata)
{
    public static TailMessageLine From(TailLine line) => new(
        line.TimestampNs.ToString(CultureInfo.InvariantCulture), line.Labels.Pairs.ToDictionary(), line.Line, line.Metadata?.Pairs.ToDictionary());
}
