namespace TovPlay.Logs.Domain.Ingest;

/// <summary>
/// What one batch from a browser may hold. The endpoint is anonymous, so every size is bounded: the body, the entries,
/// each message, each entry's fields and how deep they nest.
/// </summary>
public sealed record FrontendLimits
{
    public int MaxEntries { get; init; } = 100;

    public int MaxMessageChars { get; init; } = 8_192;

    public int MaxFields { get; init; } = 64;

    public int MaxFieldNameChars { get; init; } = 64;

    /// <summary>Objects and arrays inside an entry's fields, counted from the field itself.</summary>
    public int MaxFieldDepth { get; init; } = 4;

    /// <summary>The environments a browser may name (the <c>env</c> label); the first is used when it names none.</summary>
    public IReadOnlyList<string> Environments { get; init; } = ["prod", "staging", "dev"];

    /// <summary>A browser's clock is its own: a time further ahead than this is replaced by the time of arrival.</summary>
    public TimeSpan MaxAhead { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Lines sent late (a tab that was offline) keep their own time up to this age, else take the arrival's: well inside
    /// the out-of-order window of Loki and of the embedded store (an hour behind a stream's newest line), so a browser's
    /// late or skewed line is never refused by the store while others' lines have moved its stream on.
    /// </summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromMinutes(30);
}
