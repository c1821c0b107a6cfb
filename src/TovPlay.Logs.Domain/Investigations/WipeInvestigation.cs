using System.Globalization;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.LogQL.Building;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.PostgresLog;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>The removals of a window an answer did not follow: how many transactions, their rows, and the largest statement.</summary>
public sealed record NotFollowed(long Transactions, long Rows, AuditStatement? Largest);

/// <summary>
/// What the investigation of a wipe works from: the destructive statements found, the application's profile, the
/// application's log lines around them, and PostgreSQL's own log.
/// </summary>
public sealed record WipeEvidence(IReadOnlyList<AuditStatement> Statements, ApplicationProfile Application, IReadOnlyList<RequestLine> Requests)
{
    /// <summary>
    /// PostgreSQL's own log (job="postgres"): the sessions of the statements that did not come through the
    /// application, and the window's refused or logged destructive statements with their sessions.
    /// </summary>
    public IReadOnlyList<ServerLogLine> ServerLog { get; init; } = [];

    /// <summary>Whether PostgreSQL's log holds any line around the window at all (else it is not shipped, and says nothing either way).</summary>
    public bool ServerLogRead { get; init; }

    /// <summary>The window asked about.</summary>
    public DateTimeOffset From { get; init; } = DateTimeOffset.MinValue;

    public DateTimeOffset To { get; init; } = DateTimeOffset.MaxValue;

    /// <summary>The table asked about ("users" or "public.users"), or null for any.</summary>
    public string? Table { get; init; }

    /// <summary>What each UPDATE followed did to its rows (the first rows the trail kept), by statement id.</summary>
    public IReadOnlyDictionary<long, IReadOnlyList<RowChange>> Changes { get; init; } = new Dictionary<long, IReadOnlyList<RowChange>>();

    /// <summary>Foreign keys declared ON DELETE CASCADE, as (referencing table, referenced table) oids.</summary>
    public IReadOnlySet<(uint Child, uint Parent)> CascadingKeys { get; init; } = new HashSet<(uint, uint)>();

    /// <summary>How many of the window's destructive statements were the application's routine, summed up apart and not among <see cref="Statements"/>.</summary>
    public long Routine { get; init; }

    /// <summary>Which columns are credentials, and which of them secrets whose values are never shown.</summary>
    public CredentialColumns Credentials { get; init; } = CredentialColumns.Default;

    /// <summary>What the session roles may do beyond their own grants (superuser, memberships), from the catalog.</summary>
    public IReadOnlyDictionary<string, RoleGrants> Roles { get; init; } = new Dictionary<string, RoleGrants>();
}

/// <summary>The answers, each with how it was established, and what could not be established.</summary>
public sealed record InvestigationResult(IReadOnlyList<Finding> Findings, IReadOnlyList<Unknown> Unknowns)
{
    /// <summary>The audited statements the answer holds to be the incident's (what RECOVER offers to take back), when it chose among those it read.</summary>
    public IReadOnlyList<long>? Incident { get; init; }

    public IEnumerable<Finding> For(InvestigationStep step) => Findings.Where(f => f.Step == step);
}

/// <summary>
/// "The table got wiped": WHAT (each destructive statement, its table and rows), WHO (database role, invoking role,
/// application user, client, program, backend, transaction), and WHY/HOW (through the application or around it; the
/// request behind it by correlation id, or by time and user as a stated inference; the frontend action before it).
/// </summary>
public static class WipeInvestigation
{
    /// <summary>How close in time a request must be to a statement for the time-and-user join.</summary>
    public static readonly TimeSpan JoinTolerance = TimeSpan.FromSeconds(2);

    private static readonly string[] s_mutating = ["DELETE", "POST", "PUT", "PATCH"];

    /// <summary>
    /// How many transactions an answer follows in full (WHO, WHY/HOW, RECOVER): the ones that removed the most. A
    /// window may hold ordinary deletes beside the wipe; following each would bury the answer and cost queries.
    /// </summary>
    public const int MaxFollowed = 10;

    /// <summary>A transaction is followed when it removed at least a this-many-th of what the largest one did.</summary>
    public const int FollowedShare = 10;

    /// <summary>An UPDATE of at least this many rows overwrites data as surely as a DELETE removes it.</summary>
    public const int OverwriteRows = 20;

    /// <summary>
    /// The audit rows a wipe is made of, as an SQL condition on the statements table: every DELETE, TRUNCATE and DROP
    /// TABLE, and each UPDATE that overwrote many rows or most of its table (PostgreSQL's own row estimate).
    /// </summary>
    public static string DestructiveSql => $"(action IN ({AuditStatement.SqlList(AuditStatement.RemovingActions)}) OR {OverwriteSql})";

    /// <summary>The UPDATEs that overwrote data, as an SQL condition: many rows, or most of the table.</summary>
    public static string OverwriteSql => $"""
        (action = 'UPDATE' AND (row_count >= {OverwriteRows}
             OR (row_count >= 2 AND row_count * 2 >= (SELECT c.reltuples FROM pg_catalog.pg_class c WHERE c.oid = table_oid))))
        """;

    private static string Ordinal(int share) => share == 10 ? "tenth" : $"1/{share}";

    /// <summary>What a destructive statement did to its rows, for sentences: "removed" or "overwrote".</summary>
    public static string Verb(AuditStatement statement) => statement.Changes ? "overwrote" : "removed";

    /// <summary>What the answer says of the transactions it did not follow: how many, how many rows, and the largest.</summary>
    public static Finding? NotFollowedFinding(NotFollowed others, DateTimeOffset now)
    {
        if (others.Transactions == 0 || others.Largest is not { } largest)
        {
            return null;
        }

        return Finding.Direct(InvestigationStep.What,
            string.Create(CultureInfo.InvariantCulture,
                $"Also in the window: {others.Transactions:N0} smaller transaction(s) removing or overwriting {others.Rows:N0} row(s) in all (the largest: {largest.Action} on {largest.QualifiedTable}, {largest.Rows:N0} row(s)); followed above are the largest (at most {MaxFollowed}, each at least a {Ordinal(FollowedShare)} of the largest)"),
            "audit rows of the window, ranked by rows removed or overwritten per transaction", Evidence.Of(largest, now));
    }

    public static InvestigationResult Analyse(WipeEvidence evidence, DateTimeOffset now)
    {
        var findings = new List<Finding>();
        var unknowns = new List<Unknown>();
        if (evidence.Statements.Count == 0)
        {
            ServerLogFindings.Add(evidence, now, findings, unknowns);
            if (!ServerLogFindings.HasAttempts(evidence))
            {
                // Every step says what it lacks: WHO and WHY/HOW have nothing to tell of a removal nobody found.
                unknowns.Add(new Unknown(InvestigationStep.Who, "who removed the rows", "no removal, overwrite or refused attempt was found in the window to tell it of"));
                unknowns.Add(new Unknown(InvestigationStep.Why, "how they were removed", "no removal, overwrite or refused attempt was found in the window to tell it of"));
                unknowns.Insert(0, new Unknown(InvestigationStep.What, "what removed the rows",
                    (evidence.Routine > 0 ? "beyond the application's routine changes (summed up above), " : "")
                        + $"the audit trail holds no DELETE, TRUNCATE, DROP TABLE or UPDATE of {OverwriteRows} rows or more in this window"
                        + (evidence.ServerLogRead ? ", and PostgreSQL's log no refused or logged destructive statement" : "")
                        + ": the table may not be audited, its triggers may have been disabled, or the window is wrong"));
            }

            return new InvestigationResult(findings, unknowns);
        }

        // The culprit first: transactions by the rows they removed or overwrote, largest first; statements in order within each.
        var ranked = evidence.Statements.GroupBy(s => s.TxId).OrderByDescending(g => g.Sum(s => s.Rows)).ThenBy(g => g.Min(s => s.Id)).ToList();
        var cascades = Cascades.Of(evidence.Statements, evidence.CascadingKeys);
        foreach (var statement in ranked.SelectMany(g => g.OrderBy(s => s.Id)))
        {
            var record = Evidence.Of(statement, now);
            findings.Add(Finding.Direct(InvestigationStep.What,
                string.Create(CultureInfo.InvariantCulture, $"{statement.Action} on {statement.QualifiedTable} {Verb(statement)} {statement.Rows:N0} row(s) at {UtcText.Millis(statement.StatementAt)}")
                    + (cascades.TryGetValue(statement.Id, out var caused) ? " " + caused.Describe() : "") + $" ({Context(statement)})",
                cascades.ContainsKey(statement.Id)
                    ? "an audit row, written by the table's trigger in the same transaction, with the text of the statement that caused it"
                    : "an audit row, written by the table's trigger in the same transaction", record));
            if (evidence.Changes.TryGetValue(statement.Id, out var changes) && ColumnOverwrite.Of(changes, evidence.Credentials) is { Count: > 0 } columns)
            {
                findings.Add(Finding.Direct(InvestigationStep.What, Overwrote(statement, changes.Count, columns),
                    "the row images the audit trigger kept, before and after each row's update",
                    new Evidence(EvidenceSource.AuditTrail, $"SELECT * FROM tovplay_audit.rows_{statement.TableOid.ToString(CultureInfo.InvariantCulture)} WHERE \"audit$statement\" = {statement.Id.ToString(CultureInfo.InvariantCulture)}",
                        string.Join("\n", columns.Select(c => c.Describe())), now)));
            }
        }

        // One actor per connection: statements of one transaction share it; a wipe over several transactions is said per transaction.
        foreach (var transaction in ranked)
        {
            var first = transaction.OrderBy(s => s.Id).First();
            var record = Evidence.Of(first, now);
            var who = $"Database role {first.SessionRole}"
                + (first.InvokingRole is { } invoking && invoking != first.SessionRole ? $" acting as {invoking}" : "")
                + $", from {(first.ClientAddr is { } addr ? $"{addr}:{first.ClientPort}" : "a local socket on the database server")}"
                + $", program {first.Application ?? "(none given)"}, backend pid {first.BackendPid}, transaction {first.TxId}";
            findings.Add(Finding.Direct(InvestigationStep.Who, who, "the connection record the audit trigger wrote with the statement", record));
            if ((first.AppUsername ?? first.AppUserId) is not null)
            {
                findings.Add(Finding.Direct(InvestigationStep.Who,
                    $"Application user {first.AppUsername ?? "(no name)"}{(first.AppUserId is { } id ? $" (id {id})" : "")}" + (first.AppClientIp is { } ip ? $" from {ip}" : ""),
                    "the application's tovplay.* context on the connection, recorded with the statement", record));
            }
            else
            {
                unknowns.Add(new Unknown(InvestigationStep.Who, "the application user",
                    "the connection carried no tovplay.* context, so no signed-in user is recorded (expected when the change did not come through the application)"));
            }

            var channel = Channel.Of(first, evidence.Application);
            findings.Add(Finding.Direct(InvestigationStep.Why, channel.Sentence, "the statement's connection record compared with the application's own connections", record));
            foreach (var sent in transaction.Where(s => s.Query is not null && !cascades.ContainsKey(s.Id)).DistinctBy(s => s.Query).OrderBy(s => s.Id).Take(3))
            {
                findings.Add(Finding.Direct(InvestigationStep.Why, Sent(sent),
                    "the statement text the audit trigger recorded (the session's current query)", Evidence.Of(sent, now)));
            }
            if (evidence.Roles.GetValueOrDefault(first.SessionRole) is { } grants && (grants.Superuser || grants.MemberOf.Count > 0))
            {
                findings.Add(Finding.Direct(InvestigationStep.Why,
                    grants.Superuser
                        ? $"Database role {first.SessionRole} is a superuser: no privilege, policy or trigger binds it, so nothing in the database could have refused this"
                        : $"Database role {first.SessionRole} is a member of {string.Join(", ", grants.MemberOf)}: it acts with {(grants.MemberOf.Count == 1 ? "that role's" : "those roles'")} privileges, "
                            + "an owner's included (DROP TABLE, TRUNCATE), which is how it could do this",
                    "the database's catalog of roles and memberships, as it is now", new Evidence(EvidenceSource.Catalog, RoleGrants.Query(first.SessionRole), grants.Snapshot, now)));
            }

            if (channel.Kind == ChannelKind.Direct)
            {
                Session(first, evidence.ServerLog, now, findings, unknowns);
            }
            else
            {
                Requests(first, [.. transaction.OrderBy(s => s.Id)], cascades, evidence.Requests, now, findings, unknowns);
            }
        }

        ServerLogFindings.Add(evidence, now, findings, unknowns);
        return new InvestigationResult(findings, unknowns);
    }

    /// <summary>"statement 5, transaction 77, request path /api/games/bulk-delete, correlation id c-42": what ties the row to the rest.</summary>
    public static string Context(AuditStatement statement) =>
        string.Create(CultureInfo.InvariantCulture, $"statement {statement.Id}, transaction {statement.TxId}")
            + (statement.RequestPath is { } path ? $", request path {path}" : "")
            + (statement.CorrelationId is { } correlation ? $", correlation id {correlation}" : "");

    /// <summary>What an UPDATE changed, column by column, over the rows read (all of them, or the first ones of a large update).</summary>
    private static string Overwrote(AuditStatement statement, int read, IReadOnlyList<ColumnOverwrite> columns) =>
        "It changed " + string.Join("; ", columns.Take(4).Select(c => c.Describe()))
            + (columns.Count > 4 ? string.Create(CultureInfo.InvariantCulture, $"; and {columns.Count - 4} more column(s)") : "")
            + (read < statement.Rows ? string.Create(CultureInfo.InvariantCulture, $" (in the first {read:N0} of its {statement.Rows:N0} rows)") : "");

    /// <summary>The statement as the session sent it, and what a missing WHERE clause means.</summary>
    private static string Sent(AuditStatement statement)
    {
        var text = statement.Query!.Trim();
        text = text.Length <= 300 ? text : text[..300] + "…";
        return $"The statement as sent: {text}"
            + (StatementText.LacksWhere(statement.Query) ? $" (no WHERE clause: it applied to every row of {statement.QualifiedTable})" : "");
    }

    /// <summary>The database's own account of a session that went around the application: its connection, by backend pid.</summary>
    private static void Session(AuditStatement statement, IReadOnlyList<ServerLogLine> log, DateTimeOffset now, List<Finding> findings, List<Unknown> unknowns)
    {
        unknowns.Add(new Unknown(InvestigationStep.Why, "the request behind it", "there is none to find: the statement did not come through the application"));
        var query = ServerLogFindings.SessionQuery(statement.BackendPid);
        if (DatabaseSession.At(log, statement.BackendPid, statement.StatementAt) is not { } session)
        {
            unknowns.Add(new Unknown(InvestigationStep.Why, $"the session of backend pid {statement.BackendPid} in PostgreSQL's own log",
                "no line of it was shipped (job=\"postgres\"): turn on log_connections and log_disconnections and ship the server log to see where a direct session came from and how it signed in"));
            return;
        }

        foreach (var line in session.Lines.Take(MaxSessionLines))
        {
            findings.Add(Finding.Direct(InvestigationStep.Why, $"PostgreSQL at {UtcText.Millis(line.At)}: {line.Entry.Severity}:  {line.Entry.Body.Trim()}",
                $"PostgreSQL's own log line for backend pid {statement.BackendPid}, the pid the audit trigger recorded",
                new Evidence(EvidenceSource.PostgresLog, query, line.Entry.Text, now)));
        }
    }

    /// <summary>How many of a session's own log lines the answer shows (connection, authentication, the statement, disconnection).</summary>
    public const int MaxSessionLines = 8;

    private static void Requests(
        AuditStatement statement, IReadOnlyList<AuditStatement> transaction, IReadOnlyDictionary<long, Caused> cascades, IReadOnlyList<RequestLine> lines, DateTimeOffset now, List<Finding> findings, List<Unknown> unknowns)
    {
        if (statement.CorrelationId is { } correlation)
        {
            var chain = lines.Where(l => l.Field("correlation_id") == correlation).OrderBy(l => l.At).ToList();
            if (chain.Count == 0)
            {
                unknowns.Add(new Unknown(InvestigationStep.Why, "the request behind it",
                    $"no log line carries correlation id {correlation}: the lines may be past retention or were never shipped"));
                return;
            }

            // One timeline: the click, the request, the SQL it ran (from the audit trail), the errors, in time order.
            var timeline = new List<(DateTimeOffset At, Finding Finding)>();
            foreach (var sql in transaction)
            {
                timeline.Add((sql.StatementAt, Finding.Direct(InvestigationStep.Why,
                    string.Create(CultureInfo.InvariantCulture, $"SQL at {UtcText.Millis(sql.StatementAt)}: {sql.Action} on {sql.QualifiedTable} ({sql.Rows:N0} row(s))")
                        + (cascades.TryGetValue(sql.Id, out var caused) ? " " + caused.Describe() : ""),
                    $"the audit row of the request's transaction, with correlation id {correlation}", Evidence.Of(sql, now)) with { CorrelationId = correlation }));
            }

            foreach (var line in chain)
            {
                // The query the chain was read with (for this id), built so the id is escaped.
                var evidence = LineFacts.EvidenceOf(line, ActivityQueries.ApplicationLines.Contains(correlation).ToString(), now);

                var error = (line.Field("error_type"), line.Field("error_message")) switch
                {
                    ({ } type, { } message) => $"; error {type}: {message}",
                    (null, { } message) => $"; error: {message}",
                    ({ } type, null) => $"; error {type}",
                    _ => "",
                };
                timeline.Add((line.At, new Finding(InvestigationStep.Why,
                    $"{(line.Job.Contains("frontend", StringComparison.Ordinal) ? "Frontend" : line.Job.Contains("worker", StringComparison.Ordinal) || line.Field("service") is { } service && service.Contains("worker", StringComparison.Ordinal) ? "Worker" : "Backend")} at {UtcText.Millis(line.At)}: {line.Describe()}" + (line.Field("username") is { } by ? $" by {by}" : "") + error,
                    FindingBasis.Direct, $"the same correlation id {correlation} on the log line and the audit row", evidence)
                {
                    TraceId = line.Field("trace_id"),
                    CorrelationId = correlation,
                }));
            }

            // A line logged in the same millisecond as its SQL sorts after it: the request logs once it has run.
            findings.AddRange(timeline.OrderBy(t => t.At).Select(t => t.Finding));
            return;
        }

        // No id: join by time, the application user and the request path the transaction recorded; an inference, with its confidence.
        var user = statement.AppUsername;
        var path = statement.RequestPath;
        bool OnPath(RequestLine line) => path is not null && line.Field("path") == path;
        var candidates = lines.Where(l => !l.Job.Contains("frontend", StringComparison.Ordinal)
                && (l.At - statement.StatementAt).Duration() <= JoinTolerance
                && (user is null || l.Field("username") == user)
                && (l.Field("method") is not { } method || s_mutating.Contains(method, StringComparer.OrdinalIgnoreCase)))
            .OrderBy(l => OnPath(l) ? 0 : 1)
            .ThenBy(l => (l.At - statement.StatementAt).Duration())
            .ToList();
        if (candidates.Count == 0)
        {
            unknowns.Add(new Unknown(InvestigationStep.Why, "the request behind it",
                $"the statement carries no correlation id and no changing request{(user is null ? "" : $" by {user}")} was logged within {JoinTolerance.TotalSeconds:0} s of it"));
            return;
        }

        var best = candidates[0];
        // One candidate that matches the user is a strong join; several, or no user to match, a weak one.
        // The same path as the transaction recorded (tovplay.request_path) makes any of these a little stronger.
        var onPath = OnPath(best);
        var confidence = Math.Round((user is null ? 0.3 : candidates.Count == 1 ? 0.7 : 0.5) + (onPath ? 0.1 : 0), 2);
        var query = LogQueryBuilder.Stream("job", "tovplay-backend").Json();
        query = user is null ? query : query.Label("username", user);
        findings.Add(Finding.Inferred(InvestigationStep.Why,
            $"Probably the request {best.Describe()}{(best.Field("username") is { } u ? $" by {u}" : "")} at {UtcText.Millis(best.At)}",
            $"no correlation id: the {(candidates.Count == 1 ? "only" : "closest of " + candidates.Count.ToString(CultureInfo.InvariantCulture))} changing request{(user is null ? "" : $" by {user}")} within {JoinTolerance.TotalSeconds:0} s of the statement"
                + (onPath ? $", on the path the transaction recorded ({path})" : ""),
            confidence, new Evidence(EvidenceSource.ApplicationLog, query.ToString(), best.Line, now)));
    }

}
