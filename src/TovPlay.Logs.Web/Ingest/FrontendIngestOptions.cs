using TovPlay.Logs.Domain.Ingest;

namespace TovPlay.Logs.Web.Ingest;

/// <summary>
/// The browsers' way in (<c>Ingest:Frontend</c>). Anonymous by design, so bounded everywhere: which sites' pages may post,
/// how often one address may, how large a batch is, and the key that checks the backend's session tokens
/// (<c>Ingest__Frontend__SessionKey</c>, from the environment, never a committed file).
/// </summary>
public sealed class FrontendIngestOptions
{
    public const string Section = "Ingest:Frontend";

    public bool Enabled { get; set; } = true;

    /// <summary>Origins whose pages may post (<c>https://app.tovplay.org</c>); a browser request from any other is refused.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Batches one client address may send per second, sustained.</summary>
    public int RequestsPerSecond { get; set; } = 10;

    /// <summary>Batches one client address may send at once after a quiet spell (a page hidden flushes several).</summary>
    public int Burst { get; set; } = 40;

    public int MaxBodyBytes { get; set; } = 64 * 1024;

    public int MaxEntries { get; set; } = 100;

    public int MaxMessageChars { get; set; } = 8_192;

    /// <summary>Values of the <c>env</c> label a browser may name; the first when it names none.</summary>
    public List<string> Environments { get; set; } = [];

    /// <summary>The key the backend signs session tokens with (at least 32 characters); empty: lines carry no verified user.</summary>
    public string SessionKey { get; set; } = "";

    public FrontendLimits ToLimits() => new()
    {
        MaxEntries = MaxEntries,
        MaxMessageChars = MaxMessageChars,
        Environments = Environments.Count > 0 ? Environments : new FrontendLimits().Environments,
    };
}
