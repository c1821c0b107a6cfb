using System.Text.Json.Nodes;

namespace TovPlay.Logs.Domain.Ingest;

/// <summary>
/// One browser line as it was accepted: when (the browser's time, or the arrival's when that could not be trusted), its
/// level and environment (the stream's labels), its message and every other field it sent.
/// </summary>
public sealed record FrontendEntry(DateTimeOffset At, string Level, string Env, string Message, JsonObject Fields)
{
    /// <summary>The browser's own time when it was replaced by the arrival's, as the browser wrote it.</summary>
    public string? ClientTime { get; init; }
}
