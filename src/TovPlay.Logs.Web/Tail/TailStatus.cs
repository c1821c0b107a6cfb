namespace TovPlay.Logs.Web.Tail;

/// <summary>Where a live tail stands, as the viewer sees it.</summary>
public enum TailConnectionState
{
    Connecting,
    Live,
    Reconnecting,
    /// <summary>The source refuses for now (down, or Loki's concurrent-tail limit); retried with backoff.</summary>
    Unavailable,
    Unauthorized,
    /// <summary>Ended for good: the query was refused, or the viewer left.</summary>
    Stopped,
}

/// <summary>A state and, unless Live, why: the text shown to the user (Loki's own reasons included).</summary>
public sealed record TailStatus(TailConnectionState State, string? Reason = null)
{
    public static readonly TailStatus Connecting = new(TailConnectionState.Connecting);

    public static readonly TailStatus Live = new(TailConnectionState.Live);
}
