namespace TovPlay.Logs.Domain.Logs.Push;

/// <summary>What a push may contain; defaults are Loki 2.8's.</summary>
public sealed record PushLimits
{
    /// <summary>Entries older than this are refused (Loki's <c>reject_old_samples_max_age</c>).</summary>
    public TimeSpan RejectOldSamplesMaxAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Entries further in the future than this are refused (Loki's <c>creation_grace_period</c>).</summary>
    public TimeSpan CreationGracePeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How far behind the newest entry of its stream an entry may arrive (Loki accepts unordered writes within half
    /// its maximum chunk age, one hour by default).
    /// </summary>
    public TimeSpan OutOfOrderWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Loki's <c>max_line_size</c>, in UTF-8 bytes.</summary>
    public int MaxLineBytes { get; init; } = 256 * 1024;

    public int MaxLabelNamesPerSeries { get; init; } = 15;

    public int MaxLabelNameLength { get; init; } = 1024;

    public int MaxLabelValueLength { get; init; } = 2048;

    /// <summary>
    /// The most UTF-8 bytes a stream's labels may take written out (<c>{a="b", ...}</c>). Not Loki's: the store keeps
    /// that text under a unique index, whose entries PostgreSQL caps near a third of a page.
    /// </summary>
    public int MaxLabelSetBytes { get; init; } = 2600;
}
