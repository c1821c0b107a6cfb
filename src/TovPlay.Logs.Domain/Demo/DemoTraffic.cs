using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Investigations;

namespace TovPlay.Logs.Domain.Demo;

/// <summary>
/// Realistic TovPlay traffic and the five incidents over it, for demos and for the tests that check the wizard's
/// answers. Deterministic for a seed; every name carries the run's suffix so runs never read each other's lines.
/// Lines follow DESIGN.md §3 (JSON with ts, level, msg, correlation_id, username, ip, method, path, status,
/// duration_ms, action, error); statements set the backend's tovplay.* context with SET LOCAL.
/// </summary>
public sealed class DemoTraffic(string run, int seed = 7)
{
    public const int GamesPerOwner = 10;

    private static readonly string[] s_paths = ["/api/games", "/api/friends", "/api/profile", "/api/lobbies"];

    private readonly Random _random = new(seed);

    public string User(string name) => $"{name}_{run}";

    /// <summary>The players the traffic comes from, with their usual addresses.</summary>
    public IReadOnlyList<(string Name, long Id, string Ip)> Players =>
    [
        (User("alice"), 101, "198.51.100.11"), (User("bob"), 102, "198.51.100.12"), (User("carol"), 103, "198.51.100.13"), (User("dave"), 104, "198.51.100.14"),
    ];

    public DemoIncident Build(DemoIncidentKind kind) => kind switch
    {
        DemoIncidentKind.ApiMassDelete => ApiMassDelete(),
        DemoIncidentKind.DirectTruncate => DirectTruncate(),
        DemoIncidentKind.AccountTakeover => AccountTakeover(),
        DemoIncidentKind.SlowAfterDeploy => SlowAfterDeploy(),
        DemoIncidentKind.ErrorSpike => ErrorSpike(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The players and their games, made idempotently (ids from the players, games 10 per player).</summary>
    public IReadOnlyList<DemoStatement> SeedPlayers() =>
    [
        new(DemoConnection.Application, string.Join("\n", Players.Select(p => string.Create(CultureInfo.InvariantCulture, $"""
            INSERT INTO users (id, username, email) VALUES ({p.Id}, {SqlText.Literal(p.Name)}, {SqlText.Literal(p.Name + "@players.tovplay.org")}) ON CONFLICT DO NOTHING;
            INSERT INTO games (id, owner_id, title) SELECT {p.Id} * 1000 + g, {p.Id}, 'Quest ' || g FROM generate_series(1, {GamesPerOwner}) g ON CONFLICT DO NOTHING;
            """)))),
    ];

    /// <summary>An hour of ordinary requests: each player a couple a minute, fast, successful.</summary>
    public List<DemoLine> Background(TimeSpan from, TimeSpan to, Func<string, double>? duration = null)
    {
        var lines = new List<DemoLine>();
        for (var at = from; at < to; at += TimeSpan.FromSeconds(30))
        {
            foreach (var (name, id, ip) in Players)
            {
                var path = s_paths[_random.Next(s_paths.Length)];
                lines.Add(Request(at + TimeSpan.FromMilliseconds(_random.Next(0, 29_000)), name, id, ip, "GET", path, 200, duration?.Invoke(path) ?? 20 + _random.Next(0, 60)));
            }
        }

        return lines;
    }

    public DemoLine Request(TimeSpan at, string user, long userId, string ip, string method, string path, int status, double durationMs,
        string? correlation = null, string? action = null, string level = "info", JsonObject? error = null)
    {
        var line = new JsonObject
        {
            ["level"] = level,
            ["msg"] = status >= 500 ? "request failed" : "request completed",
            ["service"] = "tovplay-backend",
            ["env"] = "prod",
            ["correlation_id"] = correlation ?? Uuid(),
            ["trace_id"] = Hex(16),
            ["span_id"] = Hex(8),
            ["user_id"] = userId.ToString(CultureInfo.InvariantCulture),
            ["username"] = user,
            ["ip"] = ip,
            ["method"] = method,
            ["path"] = path,
            ["status"] = status,
            ["duration_ms"] = Math.Round(durationMs, 1),
        };
        if (action is not null)
        {
            line["action"] = action;
        }

        if (error is not null)
        {
            line["error"] = error;
        }

        return new DemoLine(at, "tovplay-backend", level, line.ToJsonString());
    }

    private static DemoLine Frontend(TimeSpan at, string user, string action, string correlation, string page) => new(at, "tovplay-frontend", "info", new JsonObject
    {
        ["level"] = "info",
        ["msg"] = "user action",
        ["service"] = "tovplay-frontend",
        ["action"] = action,
        ["page"] = page,
        ["username"] = user,
        ["correlation_id"] = correlation,
        ["session_id"] = "s-" + user,
        ["user_agent"] = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
    }.ToJsonString());

    private static DemoLine Service(TimeSpan at, string level, string message, string? version = null)
    {
        var line = new JsonObject { ["level"] = level, ["msg"] = message, ["service"] = "tovplay-backend", ["env"] = "prod" };
        if (version is not null)
        {
            line["version"] = version;
        }

        return new DemoLine(at, "tovplay-backend", level, line.ToJsonString());
    }

    /// <summary>The SQL the backend runs for a request: its context set for the transaction, then the change.</summary>
    public static string AsBackend(string user, long userId, string ip, string correlation, string path, string change) => $"""
        BEGIN;
        SET LOCAL application_name = 'tovplay-backend';
        SET LOCAL tovplay.username = {SqlText.Literal(user)};
        SET LOCAL tovplay.user_id = {SqlText.Literal(userId.ToString(CultureInfo.InvariantCulture))};
        SET LOCAL tovplay.client_ip = {SqlText.Literal(ip)};
        SET LOCAL tovplay.correlation_id = {SqlText.Literal(correlation)};
        SET LOCAL tovplay.request_path = {SqlText.Literal(path)};
        {change}
        COMMIT;
        """;

    private DemoIncident ApiMassDelete()
    {
        var (user, id, ip) = (User("mallory"), 666L, "203.0.113.50");
        var correlation = Uuid();
        const string path = "/api/admin/games/bulk-delete";
        var rows = Players.Count * GamesPerOwner;
        return new DemoIncident(DemoIncidentKind.ApiMassDelete, "(a) A signed-in user deletes every game through the API",
            [.. SeedPlayers()], Background(TimeSpan.FromMinutes(-30), TimeSpan.Zero),
            [new(DemoConnection.Application, AsBackend(user, id, ip, correlation, path, $"DELETE FROM games WHERE owner_id IN ({string.Join(", ", Players.Select(p => p.Id))});"))],
            [
                Frontend(TimeSpan.FromMilliseconds(-900), user, "click:delete-all-games", correlation, "/admin/games"),
                Request(TimeSpan.FromMilliseconds(-50), user, id, ip, "DELETE", path, 200, 812, correlation, "DELETE"),
            ],
            new DemoExpectation(ScenarioKind.Wipe, "games", user, path, "public.games", rows, ChannelKind.Application));
    }

    private DemoIncident DirectTruncate() => new(DemoIncidentKind.DirectTruncate, "(b) A TRUNCATE from psql, around the application",
        [.. SeedPlayers()], Background(TimeSpan.FromMinutes(-30), TimeSpan.Zero),
        [new(DemoConnection.Direct, "SET application_name = 'psql'; TRUNCATE games;")],
        [
            new(TimeSpan.FromSeconds(-5), "postgres", "info", "2026-01-01 00:00:00.000 UTC [{pid}] LOG:  connection authorized: user=postgres database=tovplay application_name=psql"),
            new(TimeSpan.FromMilliseconds(-10), "postgres", "info", "2026-01-01 00:00:00.000 UTC [{pid}] LOG:  statement: TRUNCATE games;"),
        ],
        new DemoExpectation(ScenarioKind.Wipe, "games", "postgres", null, "public.games", Players.Count * GamesPerOwner, ChannelKind.Direct));

    private DemoIncident AccountTakeover()
    {
        var (victim, id, usual) = Players[2];
        const string intruder = "203.0.113.99";
        var history = Background(TimeSpan.FromMinutes(-30), TimeSpan.Zero);
        foreach (var daysAgo in new[] { 3, 2, 1 })
        {
            history.Add(Request(TimeSpan.FromDays(-daysAgo), victim, id, usual, "POST", "/api/auth/login", 200, 120, action: "LOGIN"));
        }

        var correlation = Uuid();
        const string path = "/api/games/bulk-delete";
        return new DemoIncident(DemoIncidentKind.AccountTakeover, "(c) An account taken over: new address, new password, then deletes",
            [.. SeedPlayers()], history,
            [new(DemoConnection.Application, AsBackend(victim, id, intruder, correlation, path, $"DELETE FROM games WHERE owner_id = {id.ToString(CultureInfo.InvariantCulture)};"))],
            [
                Request(TimeSpan.FromSeconds(-50), victim, id, intruder, "POST", "/api/auth/login", 200, 140, action: "LOGIN"),
                Request(TimeSpan.FromSeconds(-35), victim, id, intruder, "POST", "/api/account/password", 200, 95, action: "PASSWORD_CHANGE"),
                Request(TimeSpan.FromMilliseconds(-40), victim, id, intruder, "DELETE", path, 200, 310, correlation, "DELETE"),
            ],
            new DemoExpectation(ScenarioKind.SuspiciousAccount, victim, intruder, path, "public.games", GamesPerOwner, ChannelKind.Application));
    }

    private DemoIncident SlowAfterDeploy()
    {
        const string path = "/api/games";
        var before = Background(TimeSpan.FromMinutes(-60), TimeSpan.FromMinutes(-20));
        var after = Background(TimeSpan.FromMinutes(-20), TimeSpan.Zero, p => p == path ? 450 + _random.Next(0, 300) : 20 + _random.Next(0, 60));
        return new DemoIncident(DemoIncidentKind.SlowAfterDeploy, "(d) /api/games slow since a deploy",
            [], [.. before, Service(TimeSpan.FromMinutes(-20).Add(TimeSpan.FromSeconds(-40)), "info", "deployed version 2.4.0", "2.4.0"), .. after], [], [],
            new DemoExpectation(ScenarioKind.SlowApi, path, "deployed version 2.4.0", path, null, null, null));
    }

    private DemoIncident ErrorSpike()
    {
        const string path = "/api/lobbies";
        var lines = Background(TimeSpan.FromMinutes(-60), TimeSpan.Zero);
        lines.Add(Service(TimeSpan.FromMinutes(-11), "info", "config reload: lobby pool size 5", null));
        for (var i = 0; i < 90; i++)
        {
            var (name, id, ip) = Players[i % Players.Count];
            lines.Add(Request(TimeSpan.FromMinutes(-10) + TimeSpan.FromSeconds(i * 3), name, id, ip, "POST", path, 500, 35, level: "error", error: new JsonObject
            {
                ["type"] = "IntegrityError",
                ["message"] = "duplicate key value violates unique constraint \"lobbies_pkey\"",
                ["stack"] = "Traceback (most recent call last):\n  File \"/app/tovplay/api/lobbies.py\", line 142, in create_lobby\n    db.session.commit()\nsqlalchemy.exc.IntegrityError",
            }));
        }

        return new DemoIncident(DemoIncidentKind.ErrorSpike, "(e) A burst of IntegrityError on /api/lobbies",
            [], lines, [], [],
            new DemoExpectation(ScenarioKind.ErrorSpike, null, "IntegrityError", path, null, null, null));
    }

    private string Uuid()
    {
        var buffer = new byte[16];
        _random.NextBytes(buffer);
        return new Guid(buffer).ToString();
    }

    private string Hex(int bytes)
    {
        var buffer = new byte[bytes];
        _random.NextBytes(buffer);
        return Convert.ToHexStringLower(buffer);
    }

    /// <summary>A line's JSON with its timestamp set, as the backend writes it.</summary>
    public static string Stamped(DemoLine line, DateTimeOffset at)
    {
        if (!line.Line.StartsWith('{'))
        {
            return line.Line;
        }

        var json = JsonNode.Parse(line.Line)!.AsObject();
        json.Insert(0, "ts", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        return json.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
