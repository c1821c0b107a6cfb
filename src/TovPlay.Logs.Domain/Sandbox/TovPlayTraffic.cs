using System.Globalization;
using System.Text.Json.Nodes;

namespace TovPlay.Logs.Domain.Sandbox;

/// <summary>
/// What TovPlay's players and services do, one request at a time: browsing games and lobbies, signing in and out,
/// creating and deleting games, joining lobbies, making friends, buying things; now and then a failure. Deterministic
/// for a seed. An incident may make a path slow for a while (<see cref="SlowDown"/>), which the traffic then shows.
/// </summary>
public sealed class TovPlayTraffic
{
    private readonly Random _random;

    public TovPlayTraffic(int seed)
    {
        _random = new Random(seed);
        _ids = new SandboxIds(_random);
    }

    private readonly SandboxIds _ids;
    private readonly Lock _lock = new();
    private readonly List<(string Path, DateTimeOffset Until, double Min, double Max)> _slow = [];

    private sealed record Kind(int Weight, Func<TovPlayTraffic, SandboxPlayer, SandboxRequest> Make);

    private static readonly Kind[] s_kinds =
    [
        new(24, (t, p) => t.Read(p, "/api/games", "/games", "click:browse-games")),
        new(12, (t, p) => t.Read(p, "/api/lobbies", "/lobbies", "click:browse-lobbies")),
        new(8, (t, p) => t.Read(p, "/api/friends", "/friends", "click:open-friends")),
        new(7, (t, p) => t.Read(p, "/api/profile", "/profile", "click:open-profile")),
        new(8, (t, p) => t.SignIn(p)),
        new(3, (t, p) => t.Write(p, "POST", "/api/auth/logout", "/", "click:sign-out", "LOGOUT", "sessions",
            $"DELETE FROM sessions WHERE user_id = {Id(p)};")),
        new(6, (t, p) => t.Write(p, "POST", "/api/games", "/games/new", "click:create-game", "CREATE", "games",
            $"INSERT INTO games (owner_id, title, genre, max_players) VALUES ({Id(p)}, {Text(t.Pick(SandboxSchema.Titles) + " " + t._random.Next(2, 99))}, {Text(t.Pick(SandboxSchema.Genres))}, {t._random.Next(2, 9)});")),
        new(3, (t, p) => t.Write(p, "DELETE", "/api/games/mine/oldest", "/games/mine", "click:delete-game", "DELETE", "games",
            $"DELETE FROM games WHERE id = (SELECT id FROM games WHERE owner_id = {Id(p)} ORDER BY created_at LIMIT 1);")),
        new(4, (t, p) => t.Write(p, "POST", "/api/lobbies", "/lobbies/new", "click:open-lobby", "CREATE", "lobbies",
            $"INSERT INTO lobbies (game_id, host_id) SELECT id, {Id(p)} FROM games ORDER BY random() LIMIT 1;")),
        new(8, (t, p) => t.Write(p, "POST", "/api/lobbies/join", "/lobbies", "click:join-lobby", "CREATE", "lobby_members",
            $"INSERT INTO lobby_members (lobby_id, user_id) SELECT id, {Id(p)} FROM lobbies WHERE status = 'open' ORDER BY random() LIMIT 1 ON CONFLICT DO NOTHING;")),
        new(3, (t, p) => t.Write(p, "DELETE", "/api/lobbies/leave", "/lobbies", "click:leave-lobby", "DELETE", "lobby_members",
            $"DELETE FROM lobby_members WHERE user_id = {Id(p)} AND lobby_id = (SELECT lobby_id FROM lobby_members WHERE user_id = {Id(p)} ORDER BY joined_at LIMIT 1);")),
        new(5, (t, p) => t.Write(p, "POST", "/api/friends", "/friends", "click:add-friend", "CREATE", "friendships",
            $"INSERT INTO friendships (user_id, friend_id) VALUES ({Id(p)}, {t.Other(p).Id}) ON CONFLICT DO NOTHING;")),
        new(1, (t, p) => t.Write(p, "DELETE", "/api/friends/oldest", "/friends", "click:unfriend", "DELETE", "friendships",
            $"DELETE FROM friendships WHERE user_id = {Id(p)} AND friend_id = (SELECT friend_id FROM friendships WHERE user_id = {Id(p)} ORDER BY since LIMIT 1);")),
        new(5, (t, p) => t.Write(p, "POST", "/api/store/purchase", "/store", "click:buy", "CREATE", "purchases",
            $"INSERT INTO purchases (user_id, item, amount_cents) VALUES ({Id(p)}, {Text(t.Pick(SandboxSchema.Items))}, {t._random.Next(1, 20) * 100 + 99});")),
    ];

    private static readonly int s_totalWeight = s_kinds.Sum(k => k.Weight);

    /// <summary>
    /// The traffic's backend lines (its requests and jobs), whose newest says up to when the traffic ran; the audit
    /// trail's lines carry env="sandbox" as well but are no traffic.
    /// </summary>
    public const string Selector = $"{{job=\"{SandboxSql.BackendName}\", env=\"{SandboxLine.Env}\"}}";

    /// <summary>The worker's jobs: session cleanup and closing stale lobbies, each every few minutes.</summary>
    public static readonly TimeSpan JobInterval = TimeSpan.FromMinutes(5);

    /// <summary>The next thing some player does.</summary>
    public SandboxRequest Next(DateTimeOffset at)
    {
        lock (_lock)
        {
            var player = Roster.Players[_random.Next(Roster.Players.Count)];
            var pick = _random.Next(s_totalWeight);
            var kind = s_kinds.First(k => (pick -= k.Weight) < 0);
            var request = kind.Make(this, player);
            if (_slow.FirstOrDefault(s => s.Path == request.Path && at < s.Until) is { Path: not null } slow)
            {
                request = request with { DurationMs = slow.Min + _random.NextDouble() * (slow.Max - slow.Min) };
            }

            // Now and then the database is briefly unavailable to a request: the backend answers 500 with the error.
            if (request.Change is not null && _random.NextDouble() < 0.015)
            {
                request = request with
                {
                    Change = null,
                    Status = 500,
                    DurationMs = 5000 + _random.Next(0, 40),
                    Error = Error("OperationalError", "connection to server was lost: could not receive data from server: Connection timed out", request.Path),
                };
            }

            return request;
        }
    }

    /// <summary>The worker's next job run, alternating between its two jobs.</summary>
    public SandboxJob NextJob(int run) => run % 2 == 0
        ? new SandboxJob("cleanup_sessions", "DELETE FROM sessions WHERE created_at < now() - interval '2 hours';", NewRun())
        : new SandboxJob("close_stale_lobbies", "UPDATE lobbies SET status = 'closed' WHERE status = 'open' AND created_at < now() - interval '1 hour';", NewRun());

    /// <summary>How long until the next request, at <paramref name="perMinute"/> on average (arrivals at random, as people come).</summary>
    public TimeSpan Gap(double perMinute)
    {
        lock (_lock)
        {
            return TimeSpan.FromSeconds(-Math.Log(1 - _random.NextDouble()) * 60 / perMinute);
        }
    }

    /// <summary>
    /// Lines only, for the time before the sandbox ran (a start shows an hour of history): every request of
    /// <c>[from, to)</c>, its changes described but not made (the database's audit trail starts when the sandbox does).
    /// </summary>
    public List<SandboxLine> History(DateTimeOffset from, DateTimeOffset to, double perMinute)
    {
        var lines = new List<SandboxLine>();
        var run = 0;
        for (var jobAt = from + TimeSpan.FromSeconds(90); jobAt < to; jobAt += JobInterval)
        {
            lines.AddRange(NextJob(run++).Lines(jobAt, 40 + _random.Next(0, 80), _random.Next(0, 4)));
        }

        for (var at = from + Gap(perMinute); at < to; at += Gap(perMinute))
        {
            var request = Next(at);
            lines.AddRange(request.Lines(at, request.Change is null ? null : 1));
        }

        lines.Sort((a, b) => a.At.CompareTo(b.At));
        return lines;
    }

    /// <summary>From now until <paramref name="until"/>, requests to <paramref name="path"/> take between the two durations.</summary>
    public void SlowDown(string path, DateTimeOffset until, double minMs, double maxMs)
    {
        lock (_lock)
        {
            _slow.Add((path, until, minMs, maxMs));
        }
    }

    private SandboxRequest Read(SandboxPlayer player, string path, string page, string click) =>
        Request(player, "GET", path, page, click, null, null, null, 200, Duration(path));

    private SandboxRequest SignIn(SandboxPlayer player)
    {
        // A mistyped password now and then: refused, nothing written.
        if (_random.NextDouble() < 0.05)
        {
            return Request(player, "POST", "/api/auth/login", "/login", "click:sign-in", "LOGIN_FAILED", "sessions", null, 401, 90 + _random.Next(0, 40));
        }

        var token = _ids.Hex(16);
        return Request(player, "POST", "/api/auth/login", "/login", "click:sign-in", "LOGIN", "sessions",
            $"INSERT INTO sessions (token, user_id, ip) VALUES ({Text(token)}, {Id(player)}, {Text(player.Ip)}); UPDATE users SET last_login_at = now() WHERE id = {Id(player)};",
            200, 110 + _random.Next(0, 60));
    }

    private SandboxRequest Write(SandboxPlayer player, string method, string path, string page, string click, string action, string resource, string change) =>
        Request(player, method, path, page, click, action, resource, change, method == "POST" && action == "CREATE" ? 201 : 200, Duration(path) + 15);

    private SandboxRequest Request(SandboxPlayer player, string method, string path, string page, string click, string? action, string? resource, string? change, int status, double duration) =>
        _ids.Request(player, player.Ip, method, path, page, click, action, resource, change, status, duration, 80 + _random.Next(0, 320));

    private double Duration(string path) => path switch
    {
        "/api/games" => 25 + _random.Next(0, 55),
        "/api/lobbies" => 15 + _random.Next(0, 40),
        _ => 8 + _random.Next(0, 30),
    };

    private SandboxPlayer Other(SandboxPlayer player)
    {
        var other = Roster.Players[_random.Next(Roster.Players.Count - 1)];
        return other.Id == player.Id ? Roster.Players[^1] : other;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private string NewRun() => "job-" + _ids.Hex(6);

    public static JsonObject Error(string type, string message, string path) => new()
    {
        ["type"] = type,
        ["message"] = message,
        ["stack"] = $"Traceback (most recent call last):\n  File \"/app/tovplay/api/routes.py\", line 88, in handle\n    return view(**kwargs)\n  File \"/app/tovplay/api{path.Replace("/api", "", StringComparison.Ordinal)}.py\", line 41, in view\n    db.session.commit()\nsqlalchemy.exc.{type}: {message}",
    };

    private static string Id(SandboxPlayer player) => player.Id.ToString(CultureInfo.InvariantCulture);

    private static string Text(string value) => Audit.SqlText.Literal(value);
}
