using System.Globalization;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.LogQL.Building;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.PostgresLog;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>
/// What PostgreSQL's own log adds to a wipe: destructive statements it refused (an answer can be "nothing was removed,
/// but this was tried"), destructive statements it logged as run that the audit trail has no record of, and sign-ins
/// it refused; each with the session that did it (address, program, role) told by the same log.
/// </summary>
public static class ServerLogFindings
{
    /// <summary>The server log's lines the investigation reads for attempts: errors and their statements, refused sign-ins, statements logged as run.</summary>
    public static string AttemptsQuery => LogQueryBuilder.Stream("job", "postgres").MatchesRegex("(ERROR|FATAL|STATEMENT):  |LOG:  (duration: [0-9.]+ ms  )?statement: ").ToString();

    /// <summary>A backend's lines, for its session: the pid in brackets (also "[pid-line]", when the prefix numbers lines).</summary>
    public static string SessionQuery(int pid) =>
        LogQueryBuilder.Stream("job", "postgres").MatchesRegex($"\\[{pid.ToString(CultureInfo.InvariantCulture)}[\\]-]").ToString();

    /// <summary>How many groups of like attempts are told one by one (the rest are counted).</summary>
    public const int MaxGroups = 5;

    /// <summary>What PostgreSQL told of the window, as findings and unknowns: nothing when it holds nothing of note.</summary>
    public static void Add(WipeEvidence evidence, DateTimeOffset now, List<Finding> findings, List<Unknown> unknowns)
    {
        var inWindow = InWindow(evidence);
        var refused = inWindow.Where(a => a.Kind == AttemptKind.Refused).ToList();
        // A statement the server logged as run is the audit trail's too when the table is audited: only the ones it missed are news.
        var missed = inWindow.Where(a => a.Kind == AttemptKind.Ran && !evidence.Statements.Any(s => s.BackendPid == a.Pid && (s.StatementAt - a.At).Duration() <= TimeSpan.FromSeconds(2))).ToList();
        var signIns = inWindow.Where(a => a.Kind == AttemptKind.SignInRefused).ToList();

        if (evidence.Statements.Count == 0 && refused.Count > 0)
        {
            findings.Add(Finding.Direct(InvestigationStep.What,
                "Nothing was removed or overwritten in this window: the audit trail holds no DELETE, TRUNCATE, DROP TABLE or mass UPDATE in it" + (evidence.Table is { } t ? $" on {t}" : "")
                    + $"; what PostgreSQL refused is below",
                "the audit trail searched for destructive statements in the window",
                new Evidence(EvidenceSource.AuditTrail, AbsenceQuery(evidence), "(no rows)", now)));
        }

        foreach (var group in Groups(refused, evidence.ServerLog).Take(MaxGroups))
        {
            var first = group.Attempts[0];
            var what = first.Verb is { } verb ? $"{verb}{(first.Target is { } target ? $" on {target}" : "")}" : "a statement" + (first.Target is { } on ? $" on {on}" : "");
            findings.Add(Finding.Direct(InvestigationStep.What,
                $"PostgreSQL refused {what} at {UtcText.Millis(first.At)}" + Times(group.Attempts) + $": {first.Message}; it changed nothing"
                    + (first.Statement is { } sql ? $". The statement: {Shorten(sql)}" : ""),
                "PostgreSQL's own ERROR line and the STATEMENT line it wrote with it",
                Evidence(first, ServerLogFindings.AttemptsQuery, now)));
            Actor(group, "Tried", evidence, now, findings);
        }

        foreach (var group in Groups(missed, evidence.ServerLog).Take(MaxGroups))
        {
            var first = group.Attempts[0];
            findings.Add(Finding.Direct(InvestigationStep.What,
                $"PostgreSQL logged {first.Verb}{(first.Target is { } target ? $" on {target}" : "")} as run at {UtcText.Millis(first.At)}" + Times(group.Attempts)
                    + $", and the audit trail has no record of it (the table is not audited, or its triggers were off). The statement: {Shorten(first.Statement!)}",
                "PostgreSQL's own log of the statement (log_statement), against the audit trail's statements of the same backend",
                Evidence(first, ServerLogFindings.AttemptsQuery, now)));
            Actor(group, "Run", evidence, now, findings);
        }

        foreach (var group in signIns.GroupBy(a => (a.User, DatabaseSession.At(evidence.ServerLog, a.Pid, a.At)?.Address)).OrderByDescending(g => g.Count()).Take(MaxGroups))
        {
            var list = group.ToList();
            findings.Add(Finding.Direct(InvestigationStep.Who,
                string.Create(CultureInfo.InvariantCulture, $"PostgreSQL refused {list.Count:N0} sign-in(s) as {group.Key.User ?? "(unknown role)"} from {group.Key.Address ?? "the local socket"}")
                    + $" between {UtcText.Millis(list[0].At)} and {UtcText.Millis(list[^1].At)}: {list[0].Message}",
                "PostgreSQL's FATAL lines of refused connections, with the address from each one's connection line",
                Evidence(list[0], ServerLogFindings.AttemptsQuery, now)));
        }

        // Beside an answer from the audit trail the server log is a detail; with none, it is what could have told an attempt.
        if (!evidence.ServerLogRead && evidence.Statements.Count == 0)
        {
            unknowns.Add(new Unknown(InvestigationStep.What, "what PostgreSQL itself refused or logged",
                "no line of PostgreSQL's own log (job=\"postgres\") was found around the window: ship the server log with log_connections, log_disconnections and log_statement = 'ddl' to see refused attempts and where each session came from"));
        }
    }

    /// <summary>
    /// What would catch the next refused attempt sooner, and keep its client out: an alert on the server's refusals, and
    /// for a client that is not an application server, a pg_hba.conf line refusing it.
    /// </summary>
    public static IReadOnlyList<Recommendation> Prevent(WipeEvidence evidence)
    {
        var refused = ServerAttempts.Find(evidence.ServerLog).Where(a => a.Kind == AttemptKind.Refused && a.At >= evidence.From && a.At < evidence.To).ToList();
        if (refused.Count == 0)
        {
            return [];
        }

        var list = new List<Recommendation>
        {
            new("Alert when PostgreSQL refuses a statement for lack of privilege",
                "The privilege held this time, and nobody was told: someone trying statements they may not run is worth a look the minute it happens.",
                LogQL.LogQLQuery.Print(MetricBuilder.GreaterThan(MetricBuilder.Sum(MetricBuilder.CountOverTime(
                    LogQueryBuilder.Stream("job", "postgres").MatchesRegex("ERROR:  (permission denied|must be owner)"), TimeSpan.FromMinutes(5))), 0)),
                "logql-alert"),
        };
        foreach (var (role, address) in Groups(refused, evidence.ServerLog)
            .Select(g => (Role: g.Attempts[0].User ?? g.Session?.User, g.Session?.Address, g.Session?.Application))
            .Where(a => a.Role is not null && a.Address is not null
                && Channel.Of(new ConnectionFacts(a.Role, a.Address, a.Application, null, null), evidence.Application).Kind == ChannelKind.Direct)
            .Select(a => (a.Role!, a.Address!)).Distinct())
        {
            list.Add(new Recommendation($"Refuse direct connections from {address} as {role}",
                "The attempt came from a client that is not an application server; pg_hba.conf can refuse it before it signs in (first matching line wins, so put it above the broader rules).",
                $"host  all  {role}  {address}/{(address.Contains(':', StringComparison.Ordinal) ? 128 : 32)}  reject", "pg_hba"));
        }

        return list;
    }

    /// <summary>Whether the attempt found any refused or logged statement in the window (then "nothing was found" is not the answer).</summary>
    public static bool HasAttempts(WipeEvidence evidence) => InWindow(evidence).Any(a => a.Kind != AttemptKind.SignInRefused);

    /// <summary>What PostgreSQL's log tells of the window: about the table asked about (a refused sign-in names none, and counts).</summary>
    private static List<ServerAttempt> InWindow(WipeEvidence evidence) =>
        [.. ServerAttempts.Find(evidence.ServerLog)
            .Where(a => a.At >= evidence.From && a.At < evidence.To && (evidence.Table is null || a.Kind == AttemptKind.SignInRefused || SameTable(a.Target, evidence.Table)))];

    /// <summary>Like attempts (one role, one address, one statement) are told once, with how many times.</summary>
    private static IEnumerable<(DatabaseSession? Session, List<ServerAttempt> Attempts)> Groups(IReadOnlyList<ServerAttempt> attempts, IReadOnlyList<ServerLogLine> log) =>
        attempts.Select(a => (Attempt: a, Session: DatabaseSession.At(log, a.Pid, a.At)))
            .GroupBy(x => (x.Attempt.User, x.Session?.Address, x.Attempt.Statement ?? x.Attempt.Message))
            .Select(g => (g.First().Session, Attempts: g.Select(x => x.Attempt).ToList()))
            .OrderBy(g => g.Attempts[0].At);

    /// <summary>Who made the attempt, from its session, and whether it came through the application; then the session's own lines.</summary>
    private static void Actor((DatabaseSession? Session, List<ServerAttempt> Attempts) group, string verb, WipeEvidence evidence, DateTimeOffset now, List<Finding> findings)
    {
        var (session, attempts) = group;
        var first = attempts[0];
        var role = first.User ?? session?.User;
        var address = session?.Address;
        var program = session?.Application;
        var record = Evidence(first, session is null ? AttemptsQuery : SessionQuery(first.Pid), now, session);
        findings.Add(Finding.Direct(InvestigationStep.Who,
            $"{verb} by database role {role ?? "(not logged)"}, from {(address is null ? session?.ConnectedAt is null ? "an address the log does not give" : "a local socket on the database server" : $"{address}{(session!.Port is { } port ? ":" + port.ToString(CultureInfo.InvariantCulture) : "")}")}"
                + $", program {program ?? "(none given)"}, backend pid {first.Pid}",
            "the session's own lines in PostgreSQL's log: its connection, its sign-in and the prefix of each line", record));
        if (role is null)
        {
            return;
        }

        var channel = Channel.Of(new ConnectionFacts(role, address, program, null, null), evidence.Application);
        findings.Add(Finding.Direct(InvestigationStep.Why, channel.Say(verb == "Tried" ? "attempt" : "statement"),
            "the session's connection in PostgreSQL's log compared with the application's own connections", record));
        foreach (var line in session?.Lines.Where(l => l.Entry.Message.StartsWith("connection ", StringComparison.Ordinal)).Take(2) ?? [])
        {
            findings.Add(Finding.Direct(InvestigationStep.Why, $"PostgreSQL at {UtcText.Millis(line.At)}: {line.Entry.Severity}:  {line.Entry.Message}",
                $"PostgreSQL's own log line for backend pid {first.Pid}", new Evidence(EvidenceSource.PostgresLog, SessionQuery(first.Pid), line.Entry.Text, now)));
        }
    }

    private static Evidence Evidence(ServerAttempt attempt, string query, DateTimeOffset now, DatabaseSession? session = null) =>
        new(EvidenceSource.PostgresLog, query, string.Join("\n", (session?.Lines.Where(l => l.Entry.Message.StartsWith("connection ", StringComparison.Ordinal)) ?? [])
            .Concat(attempt.Lines).Select(l => l.Entry.Text)), now);

    private static string Times(List<ServerAttempt> attempts) => attempts.Count == 1 ? ""
        : string.Create(CultureInfo.InvariantCulture, $" and {attempts.Count - 1:N0} more time(s) until {UtcText.Millis(attempts[^1].At)}");

    /// <summary>A table as the log names it ("users", "public.users", "\"Users\"") against the subject.</summary>
    private static bool SameTable(string? named, string subject)
    {
        static string Bare(string name) => name.Replace("\"", "", StringComparison.Ordinal) is var unquoted && unquoted.LastIndexOf('.') is var dot and >= 0 ? unquoted[(dot + 1)..] : unquoted;
        return named is not null && string.Equals(Bare(named), Bare(subject), StringComparison.Ordinal);
    }

    private static string Shorten(string sql) => sql.Length <= 300 ? sql : sql[..300] + "…";

    /// <summary>The audit query that found nothing, with its window written in, to run again.</summary>
    private static string AbsenceQuery(WipeEvidence evidence) => string.Create(CultureInfo.InvariantCulture,
        $"SELECT * FROM tovplay_audit.statements WHERE statement_at >= '{evidence.From.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}+00' AND statement_at < '{evidence.To.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}+00' AND ")
        + WipeInvestigation.DestructiveSql.ReplaceLineEndings(" ");
}
