namespace TovPlay.Logs.Web.LokiApi;

/// <summary>Settings of the Loki-compatible API (section <c>LokiApi</c>).</summary>
public sealed class LokiApiOptions
{
    public const string Section = "LokiApi";

    /// <summary>Ingestion rate of a key without its own, in bytes per second (Loki's default, 4 MB).</summary>
    public int DefaultIngestionRateBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Seconds a pusher is told to wait when the store is down.</summary>
    public int RetryAfterSeconds { get; set; } = 5;
}
