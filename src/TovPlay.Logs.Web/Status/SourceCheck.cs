namespace TovPlay.Logs.Web.Status;

public enum SourceState
{
    /// <summary>Configured, reachable, and data arrived recently.</summary>
    Ok,

    /// <summary>Configured and reachable, but nothing arrived recently (nothing ships to it yet).</summary>
    Quiet,

    /// <summary>Not set up: the app cannot use this source until it is.</summary>
    NotConfigured,

    /// <summary>Set up, but it could not be read (the reason says why).</summary>
    Failing,
}

/// <summary>
/// One source the app reads, as checked now: what it is, its state, one line saying what was seen, what to do when it is
/// not well (and where), and when data last arrived.
/// </summary>
public sealed record SourceCheck(string Source, SourceState State, string Summary, string? Fix = null, string? FixLink = null)
{
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>More about it (the audit trail's coverage per table...).</summary>
    public IReadOnlyList<string> Details { get; init; } = [];

    public bool Usable => State is SourceState.Ok or SourceState.Quiet;
}
