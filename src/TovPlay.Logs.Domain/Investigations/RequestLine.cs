namespace TovPlay.Logs.Domain.Investigations;

/// <summary>
/// A log line of the application (backend request, frontend action) as the investigation reads it: when, which job,
/// its parsed fields (correlation_id, username, method, path, status, msg...), and the line itself for evidence.
/// </summary>
public sealed record RequestLine(DateTimeOffset At, string Job, IReadOnlyDictionary<string, string> Fields, string Line)
{
    public string? Field(string name) => Fields.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>"POST /api/users/bulk-delete" when the line has a method and path; else its action (a click); else its message.</summary>
    public string Describe() => Field("method") is { } method && Field("path") is { } path
        ? $"{method} {path}" + (Field("status") is { } status ? $" ({status})" : "")
        : Field("action") ?? Field("msg") ?? Line;
}
