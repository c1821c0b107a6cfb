using System.Text.Json.Nodes;

namespace TovPlay.Logs.Domain.Sandbox;

/// <summary>A run of one of the worker's background jobs: its change (run as the worker's service account) and its lines.</summary>
public sealed record SandboxJob(string Name, string Change, string RunId)
{
    public string Transaction => SandboxSql.AsWorker(Name, RunId, Change);

    public IReadOnlyList<SandboxLine> Lines(DateTimeOffset started, double durationMs, long? rows)
    {
        JsonObject Fields(string message) => new() { ["msg"] = message, ["job"] = Name, ["correlation_id"] = RunId };
        var finished = Fields("job finished");
        finished["duration_ms"] = Math.Round(durationMs, 1);
        if (rows is { } changed)
        {
            finished["rows"] = changed;
        }

        return
        [
            SandboxLine.Json(started, "tovplay-backend", SandboxSql.WorkerName, "info", Fields("job started")),
            SandboxLine.Json(started + TimeSpan.FromMilliseconds(durationMs), "tovplay-backend", SandboxSql.WorkerName, "info", finished),
        ];
    }
}
