using System.Text.Json.Nodes;
using TovPlay.Logs.Domain.Investigations;

namespace TovPlay.Logs.Domain.Sandbox.Incidents;

/// <summary>
/// Incidents of the service itself, told by its logs: an endpoint slow since a deploy, and a burst of one error after a
/// configuration change. Both replay the minutes since the change happened, so there is something to investigate at once.
/// </summary>
public static class ServiceIncidents
{
    public const string SlowDeploySlug = "slow-after-deploy";
    public const string ErrorBurstSlug = "error-burst";

    private static IEnumerable<SandboxLine> Service(DateTimeOffset at, string message, string? version = null)
    {
        var fields = new JsonObject { ["msg"] = message };
        if (version is not null)
        {
            fields["version"] = version;
        }

        return [SandboxLine.Json(at, "tovplay-backend", "tovplay-backend", "info", fields)];
    }

    /// <summary>Version 2.5.0 went out 15 minutes ago; since then GET /api/games takes half a second or more, and stays so for 15 more minutes.</summary>
    public static SandboxIncident SlowDeploy(SandboxIds ids)
    {
        const string path = "/api/games";
        var steps = new List<IncidentStep> { IncidentStep.Log(TimeSpan.FromMinutes(-15), at => Service(at, "deployed version 2.5.0", "2.5.0")) };
        for (var i = 0; i < 90; i++)
        {
            var player = Roster.Players[ids.Next(0, Roster.Players.Count)];
            var request = ids.Request(player, player.Ip, "GET", path, "/games", "click:browse-games", null, null, null, 200, 450 + ids.Next(0, 300));
            steps.Add(IncidentStep.Log(TimeSpan.FromMinutes(-15) + TimeSpan.FromSeconds(20 + i * 9.5), at => request.Lines(at, null)));
        }

        return new SandboxIncident(SlowDeploySlug, "An endpoint slow since a deploy",
            "Version 2.5.0 of the backend went out; since then the games list takes half a second or more.",
            steps,
            new IncidentExpectation(ScenarioKind.SlowApi, path, "deployed version 2.5.0", path, null, null),
            p => $"At {Logs.UtcText.Millis(p.Started - TimeSpan.FromMinutes(15))} version 2.5.0 of the backend was deployed (its log says \"deployed version 2.5.0\"). It dropped an index hint "
                + $"from the games list query: since then GET {path} takes 450 to 750 ms instead of 25 to 80 ms, and it stays slow for 15 minutes after you played it. No other path changed.")
        {
            SlowDown = (path, TimeSpan.FromMinutes(15), 450, 750),
        };
    }

    /// <summary>A configuration reload shrinks the lobby pool; creating a lobby then fails with a duplicate key for five minutes.</summary>
    public static SandboxIncident ErrorBurst(SandboxIds ids)
    {
        const string path = "/api/lobbies";
        var steps = new List<IncidentStep> { IncidentStep.Log(TimeSpan.FromMinutes(-11), at => Service(at, "config reload: lobby pool size 5")) };
        for (var i = 0; i < 90; i++)
        {
            var player = Roster.Players[i % Roster.Players.Count];
            var request = ids.Request(player, player.Ip, "POST", path, "/lobbies/new", "click:open-lobby", "CREATE", "lobbies", null, 500, 35,
                error: TovPlayTraffic.Error("IntegrityError", "duplicate key value violates unique constraint \"lobbies_pkey\"", path));
            steps.Add(IncidentStep.Log(TimeSpan.FromMinutes(-10) + TimeSpan.FromSeconds(i * 3), at => request.Lines(at, null)));
        }

        return new SandboxIncident(ErrorBurstSlug, "A burst of one error after a configuration change",
            "A configuration reload shrinks the lobby id pool; for four and a half minutes creating a lobby fails with IntegrityError.",
            steps,
            new IncidentExpectation(ScenarioKind.ErrorSpike, null, "IntegrityError", path, null, null),
            p => $"At {Logs.UtcText.Millis(p.Started - TimeSpan.FromMinutes(11))} a configuration reload set the lobby pool size to 5 (\"config reload: lobby pool size 5\"). From a minute later, "
                + $"for four and a half minutes, 90 requests to POST {path} failed with 500: sqlalchemy IntegrityError, duplicate key value violates unique constraint \"lobbies_pkey\", "
                + "from every player who tried. No data was lost.");
    }
}
