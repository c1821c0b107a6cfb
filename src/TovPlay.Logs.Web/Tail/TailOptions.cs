namespace TovPlay.Logs.Web.Tail;

/// <summary>Live tail settings (section <c>Tail</c>).</summary>
public sealed class TailOptions
{
    public const string Section = "Tail";

    /// <summary>Live tails one API key or user may hold open at once (hub and Loki's tail socket).</summary>
    public int MaxTailsPerCaller { get; set; } = 10;

    /// <summary>Lines a viewer may have unread before the oldest are dropped (and counted).</summary>
    public int ViewerBufferLines { get; set; } = 10_000;

    /// <summary>Recent lines an upstream keeps, so a viewer who joins a running tail starts with them.</summary>
    public int HistoryLines { get; set; } = 100;

    /// <summary>
    /// Most lines one read hands a viewer. Each hub message is one read, serialised whole into its connection's
    /// buffer: small messages keep a slow client's share of server memory small.
    /// </summary>
    public int MaxBatchLines { get; set; } = 250;

    /// <summary>First wait before reconnecting; doubled per failure up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan MinReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most lines asked for when resuming after a failure; a gap larger than this is reported as a loss.</summary>
    public int ResumeLimit { get; set; } = 5_000;
}
