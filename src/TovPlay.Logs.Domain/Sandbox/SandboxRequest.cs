using System.Text.Json.Nodes;

namespace TovPlay.Logs.Domain.Sandbox;

/// <summary>Which of TovPlay's connections runs a change: the backend's (role tovplay_app) or the worker's service account.</summary>
public enum SandboxConnection
{
    Backend,
    Worker,
}

/// <summary>
/// One thing a player does: the click in the frontend, the request it sends, and the change the backend makes in the
/// database for it (none for a read). The lines are made after the change ran, so a delete that found nothing answers 404.
/// </summary>
public sealed record SandboxRequest(
    SandboxPlayer Player, string Ip, string Method, string Path, string Page, string Click, string? Action, string? Resource, string? Change,
    int Status, double DurationMs, double ClickLeadMs, string CorrelationId, string TraceId, string SpanId, JsonObject? Error = null)
{
    /// <summary>
    /// Whether the backend's line names the client's address (ip). A backend behind a proxy that does not pass it on
    /// logs none, while the transaction still carries the address the application was given (tovplay.client_ip).
    /// </summary>
    public bool LogsIp { get; init; } = true;

    /// <summary>The backend's transaction for the request, or null when it changes nothing.</summary>
    public string? Transaction => Change is null ? null : SandboxSql.AsBackend(Player, Ip, CorrelationId, Path, Change);

    /// <summary>
    /// The frontend's line for the click and the backend's for the request, which reached the backend at <paramref name="at"/>;
    /// <paramref name="rows"/> is what the change touched (null when nothing ran).
    /// </summary>
    public IReadOnlyList<SandboxLine> Lines(DateTimeOffset at, long? rows)
    {
        var status = Status < 300 && Change is not null && rows == 0 && Method == "DELETE" ? 404 : Status;
        var level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
        var click = SandboxLine.Json(at - TimeSpan.FromMilliseconds(ClickLeadMs), "tovplay-frontend", "tovplay-frontend", "info", new JsonObject
        {
            ["msg"] = "user action",
            ["action"] = Click,
            ["page"] = Page,
            ["user_id"] = Player.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["username"] = Player.Username,
            ["correlation_id"] = CorrelationId,
            ["session_id"] = "s-" + Player.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["user_agent"] = Player.UserAgent,
        });
        var request = new JsonObject
        {
            ["msg"] = status >= 500 ? "request failed" : status == 404 ? "not found" : status >= 400 ? "request refused" : "request completed",
            ["correlation_id"] = CorrelationId,
            ["trace_id"] = TraceId,
            ["span_id"] = SpanId,
            ["user_id"] = Player.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["username"] = Player.Username,
            ["method"] = Method,
            ["path"] = Path,
            ["status"] = status,
            ["duration_ms"] = Math.Round(DurationMs, 1),
        };
        if (LogsIp)
        {
            request["ip"] = Ip;
        }

        if (Action is not null)
        {
            request["action"] = Action;
        }

        if (Resource is not null)
        {
            request["resource"] = Resource;
        }

        if (rows is { } changed)
        {
            request["rows"] = changed;
        }

        if (Error is not null)
        {
            request["error"] = Error.DeepClone();
        }

        return [click, SandboxLine.Json(at + TimeSpan.FromMilliseconds(DurationMs), "tovplay-backend", "tovplay-backend", level, request)];
    }
}
