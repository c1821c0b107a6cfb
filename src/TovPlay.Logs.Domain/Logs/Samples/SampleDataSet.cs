using System.Globalization;
using System.Text;
using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Domain.Logs.Samples;

/// <summary>
/// Generates logs shaped like TovPlay's (DESIGN.md §3): backend JSON request lines, frontend JSON actions and errors,
/// database-audit JSON lines and PostgreSQL's own plain-text log, joined by correlation ids, with one incident in
/// the middle: a stranger's psql session from a new address truncates the users table. Deterministic per seed;
/// used by tests, benchmarks and demonstrations.
/// </summary>
public static class SampleDataSet
{
    public static readonly LabelSet Backend = LabelSet.From(("job", "tovplay-backend"), ("env", "prod"), ("service", "api"));
    public static readonly LabelSet Frontend = LabelSet.From(("job", "tovplay-frontend"), ("env", "prod"), ("service", "web"));
    public static readonly LabelSet DbAudit = LabelSet.From(("job", "tovplay-db-audit"), ("env", "prod"), ("service", "postgres"));
    public static readonly LabelSet Postgres = LabelSet.From(("job", "postgres"), ("env", "prod"), ("service", "postgres"));

    public const string IncidentIp = "203.0.113.66";
    public const string IncidentDbUser = "contractor_rw";
    public const string IncidentTable = "users";

    private static readonly string[] s_paths =
    [
        "/api/games", "/api/games/{id}", "/api/users/{id}", "/api/auth/login", "/api/auth/logout", "/api/friends",
        "/api/matches/{id}", "/api/admin/users/{id}/role", "/api/users/{id}/password", "/api/leaderboard",
    ];

    private static readonly string[] s_pages = ["/", "/games", "/games/:id", "/profile", "/friends", "/admin", "/login"];

    private static readonly string[] s_agents =
    [
        "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1) Safari/605.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/133.0",
    ];

    private sealed record User(int Id, string Name, string Ip, bool Admin);

    public static IReadOnlyList<LogStream> Generate(SampleDataOptions? options = null)
    {
        options ??= new SampleDataOptions();
        var random = new Random(options.Seed);
        var users = Enumerable.Range(1, 60)
            .Select(i => new User(i, $"player{i:D2}", $"10.20.{i / 16}.{(i * 7) % 250 + 2}", i <= 3))
            .ToArray();
        var startNs = options.Start.ToUnixTimeMilliseconds() * 1_000_000;
        var durationNs = (long)(options.Duration.TotalMilliseconds * 1_000_000);
        var incidentNs = IncidentTimestampNs(options);

        var backend = new Dictionary<string, List<LogEntry>>();
        var frontend = new Dictionary<string, List<LogEntry>>();
        var audit = new List<LogEntry>();
        var postgres = new List<LogEntry>();
        var txid = 880_000L;

        for (var n = 0; n < options.BackendLines; n++)
        {
            var ts = startNs + (long)(durationNs * ((n + random.NextDouble()) / options.BackendLines));
            var user = users[random.Next(users.Length)];
            var ip = random.NextDouble() < 0.01 ? $"198.51.100.{random.Next(2, 250)}" : user.Ip;
            var correlation = Guid(random);
            // A few dozen hot ids: grouping by path stays under Loki's default limit of 500 series, as on a real platform.
            var path = s_paths[random.Next(s_paths.Length)].Replace("{id}", random.Next(1, 40).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            var (method, action) = Verb(path, random);
            var status = Status(path, user, random);
            var duration = Math.Round(Math.Exp(3 + (random.NextDouble() * 2.5) + (path.StartsWith("/api/leaderboard", StringComparison.Ordinal) ? 1.5 : 0)), 1);
            var level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
            var line = BackendLine(ts, level, user, ip, method, path, status, duration, action, correlation, random, options.LeanBackendLines);
            Add(backend, level, new LogEntry(ts, line));

            if (random.NextDouble() < 0.25)
            {
                var page = s_pages[random.Next(s_pages.Length)];
                var fLevel = random.NextDouble() < 0.04 ? "error" : "info";
                Add(frontend, fLevel, new LogEntry(ts - 2_000_000, FrontendLine(ts - 2_000_000, fLevel, user, page, correlation, action, random)));
            }

            if (method is "POST" or "PUT" or "DELETE" && status < 400)
            {
                var table = path.Contains("users", StringComparison.Ordinal) ? "users" : path.Contains("games", StringComparison.Ordinal) ? "games" : "matches";
                var rows = method == "DELETE" && random.NextDouble() < 0.02 ? random.Next(50, 400) : 1;
                audit.Add(new LogEntry(ts + 1_000_000, AuditLine(ts + 1_000_000, method == "POST" ? "INSERT" : method == "PUT" ? "UPDATE" : "DELETE", table, rows,
                    "tovplay_app", user, "10.0.1.5", "tovplay-backend", ++txid, correlation)));
            }

            if (duration > 400 && random.NextDouble() < 0.3)
            {
                postgres.Add(new LogEntry(ts + 500_000, PostgresLine(ts + 500_000, 4000 + random.Next(200), "tovplay_app",
                    $"LOG:  duration: {duration.ToString("0.0", CultureInfo.InvariantCulture)} ms  statement: SELECT * FROM leaderboard ORDER BY score DESC")));
            }
        }

        AddBruteForce(backend, users, startNs, durationNs, random);
        AddIncident(audit, postgres, backend, incidentNs, ref txid);

        var streams = new List<LogStream>();
        streams.AddRange(backend.Select(p => new LogStream(Backend.With("level", p.Key), Sorted(p.Value))));
        streams.AddRange(frontend.Select(p => new LogStream(Frontend.With("level", p.Key), Sorted(p.Value))));
        streams.Add(new LogStream(DbAudit, Sorted(audit)));
        streams.Add(new LogStream(Postgres, Sorted(postgres)));
        return streams;
    }

    /// <summary>When the truncate of the incident happens, in Unix nanoseconds.</summary>
    public static long IncidentTimestampNs(SampleDataOptions? options = null)
    {
        options ??= new SampleDataOptions();
        var durationNs = (long)(options.Duration.TotalMilliseconds * 1_000_000);
        return (options.Start.ToUnixTimeMilliseconds() * 1_000_000) + (long)(durationNs * options.IncidentAt);
    }

    private static void Add(Dictionary<string, List<LogEntry>> streams, string level, LogEntry entry)
    {
        if (!streams.TryGetValue(level, out var list))
        {
            list = [];
            streams[level] = list;
        }

        list.Add(entry);
    }

    private static List<LogEntry> Sorted(List<LogEntry> entries) => [.. entries.OrderBy(e => e.TimestampNs)];

    private static string Guid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new System.Guid(bytes).ToString("D");
    }

    private static (string Method, string Action) Verb(string path, Random random) => path switch
    {
        "/api/auth/login" => ("POST", "LOGIN"),
        "/api/auth/logout" => ("POST", "LOGOUT"),
        _ when path.EndsWith("/password", StringComparison.Ordinal) => ("PUT", "PASSWORD_CHANGE"),
        _ when path.EndsWith("/role", StringComparison.Ordinal) => ("PUT", "PERMISSION_CHANGE"),
        _ => random.Next(10) switch
        {
            < 6 => ("GET", "VIEW"),
            < 8 => ("POST", "CREATE"),
            < 9 => ("PUT", "UPDATE"),
            _ => ("DELETE", "DELETE"),
        },
    };

    private static int Status(string path, User user, Random random)
    {
        var roll = random.NextDouble();
        if (path.StartsWith("/api/admin/", StringComparison.Ordinal) && !user.Admin)
        {
            return 403;
        }

        return path == "/api/auth/login" && roll < 0.1 ? 401 : roll < 0.02 ? 500 : roll < 0.03 ? 503 : roll < 0.07 ? 404 : 200;
    }

    private static string Iso(long ns) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ns / 1_000_000).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Json(string value) => System.Text.Json.JsonEncodedText.Encode(value).ToString();

    private static string BackendLine(long ts, string level, User user, string ip, string method, string path, int status, double duration, string action, string correlation, Random random, bool lean = false)
    {
        var sb = new StringBuilder(320);
        sb.Append("{\"ts\":\"").Append(Iso(ts)).Append("\",\"level\":\"").Append(level)
            .Append("\",\"msg\":\"").Append(method).Append(' ').Append(path).Append(' ').Append(status).Append('"');
        if (!lean)
        {
            sb.Append(",\"service\":\"api\",\"env\":\"prod\"");
        }

        sb.Append(",\"correlation_id\":\"").Append(correlation).Append('"');
        if (!lean)
        {
            sb.Append(",\"trace_id\":\"").Append(correlation.Replace("-", "", StringComparison.Ordinal)).Append('"');
        }

        sb.Append(",\"user_id\":").Append(user.Id).Append(",\"username\":\"").Append(user.Name)
            .Append("\",\"ip\":\"").Append(ip).Append("\",\"method\":\"").Append(method).Append("\",\"path\":\"").Append(path)
            .Append("\",\"status\":").Append(status).Append(",\"duration_ms\":").Append(duration.ToString(CultureInfo.InvariantCulture))
            .Append(",\"action\":\"").Append(action).Append("\",\"resource\":\"").Append(path.Split('/')[2]).Append('"');
        if (status >= 500)
        {
            sb.Append(",\"error\":{\"type\":\"").Append(random.Next(2) == 0 ? "OperationalError" : "TimeoutError")
                .Append("\",\"message\":\"").Append(Json("could not serialize access due to concurrent update"))
                .Append("\",\"stack\":\"").Append(Json("Traceback (most recent call last):\n  File \"app/routes.py\", line 88")).Append("\"}");
        }

        return sb.Append('}').ToString();
    }

    private static string FrontendLine(long ts, string level, User user, string page, string correlation, string action, Random random)
    {
        var sb = new StringBuilder(256);
        sb.Append("{\"ts\":\"").Append(Iso(ts)).Append("\",\"level\":\"").Append(level).Append("\",\"msg\":\"")
            .Append(level == "error" ? "Unhandled promise rejection" : "user action").Append("\",\"service\":\"web\",\"page\":\"").Append(page)
            .Append("\",\"user_agent\":\"").Append(s_agents[random.Next(s_agents.Length)]).Append("\",\"session_id\":\"s-").Append(user.Id)
            .Append("\",\"user_id\":").Append(user.Id).Append(",\"username\":\"").Append(user.Name)
            .Append("\",\"correlation_id\":\"").Append(correlation).Append("\",\"action\":\"").Append(action).Append('"');
        if (level == "error")
        {
            sb.Append(",\"error\":{\"type\":\"TypeError\",\"message\":\"").Append(Json("Cannot read properties of undefined (reading 'score')")).Append("\"}");
        }

        return sb.Append('}').ToString();
    }

    private static string AuditLine(long ts, string action, string table, int rows, string dbUser, User? user, string clientAddr, string application, long txid, string? correlation)
    {
        var statement = action switch
        {
            "TRUNCATE" => $"TRUNCATE {table}",
            "DELETE" => $"DELETE FROM {table} WHERE id = $1",
            "INSERT" => $"INSERT INTO {table} VALUES ($1, $2)",
            _ => $"UPDATE {table} SET updated_at = now() WHERE id = $1",
        };
        var at = DateTimeOffset.UnixEpoch.AddTicks(ts / 100);
        return AuditLogLine.Line(new AuditStatement(txid, txid, at, "public", table, action, rows, dbUser, dbUser, clientAddr, null, application,
            (int)(4000 + (txid % 200)), user?.Id.ToString(CultureInfo.InvariantCulture), user?.Name, null, correlation, null, statement));
    }

    private static string PostgresLine(long ts, int pid, string user, string message) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ts / 1_000_000).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture)
        + $" [{pid}] {user}@tovplay {message}";

    /// <summary>One address hammering the login endpoint with wrong passwords for two minutes.</summary>
    private static void AddBruteForce(Dictionary<string, List<LogEntry>> backend, User[] users, long startNs, long durationNs, Random random)
    {
        var at = startNs + (durationNs / 4);
        for (var i = 0; i < 120; i++)
        {
            var ts = at + (i * 1_000_000_000L);
            var victim = users[random.Next(users.Length)];
            Add(backend, "warn", new LogEntry(ts, BackendLine(ts, "warn", victim with { Ip = "192.0.2.77" }, "192.0.2.77", "POST", "/api/auth/login", 401,
                12.5, "LOGIN", Guid(random), random)));
        }
    }

    /// <summary>The incident: a contractor role connects with psql from a new address and truncates users.</summary>
    private static void AddIncident(List<LogEntry> audit, List<LogEntry> postgres, Dictionary<string, List<LogEntry>> backend, long ns, ref long txid)
    {
        const int pid = 31337;
        postgres.Add(new LogEntry(ns - 60_000_000_000, PostgresLine(ns - 60_000_000_000, pid, IncidentDbUser,
            $"LOG:  connection authorized: user={IncidentDbUser} database=tovplay application_name=psql host={IncidentIp}")));
        postgres.Add(new LogEntry(ns, PostgresLine(ns, pid, IncidentDbUser, $"LOG:  statement: TRUNCATE {IncidentTable} CASCADE")));
        audit.Add(new LogEntry(ns + 1_000_000, AuditLine(ns + 1_000_000, "TRUNCATE", IncidentTable, 1842, IncidentDbUser, null, IncidentIp, "psql", ++txid, null)));
        audit.Add(new LogEntry(ns + 2_000_000, AuditLine(ns + 2_000_000, "TRUNCATE", "friends", 5310, IncidentDbUser, null, IncidentIp, "psql", txid, null)));
        postgres.Add(new LogEntry(ns + 90_000_000_000, PostgresLine(ns + 90_000_000_000, pid, IncidentDbUser, "LOG:  disconnection: session time: 0:02:30.001")));

        // Right after, the app starts failing on the missing rows.
        for (var i = 1; i <= 40; i++)
        {
            var ts = ns + (i * 1_500_000_000L);
            var line = $"{{\"ts\":\"{Iso(ts)}\",\"level\":\"error\",\"msg\":\"user not found\",\"service\":\"api\",\"env\":\"prod\",\"correlation_id\":\"00000000-0000-4000-8000-{i:D12}\",\"user_id\":{i},\"username\":\"player{i % 60:D2}\",\"ip\":\"10.20.1.{i}\",\"method\":\"GET\",\"path\":\"/api/users/{i}\",\"status\":500,\"duration_ms\":3.1,\"action\":\"VIEW\",\"resource\":\"users\",\"error\":{{\"type\":\"NoResultFound\",\"message\":\"No row was found when one was required\",\"stack\":\"\"}}}}";
            Add(backend, "error", new LogEntry(ts, line));
        }
    }
}
