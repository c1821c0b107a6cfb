using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.LogQL.Building;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.PostgresLog;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.Investigations;

/// <summary>
/// Gathers the evidence of a wipe and hands it to the Domain's analysis: the destructive statements in the window (with
/// the rest of their transactions, so a cascade is whole) from the audit trail, and the application's log lines that
/// can explain them (by correlation id, and around each statement for the time-and-user join) from the log source.
/// </summary>
public sealed class WipeInvestigator(
    IOptions<AuditOptions> audit, IOptions<InvestigationOptions> options, ILogSource logs, ActorHistoryReader actors, AuditReader reader, TimeProvider time)
    : IScenarioInvestigator
{
    public ScenarioKind Kind => ScenarioKind.Wipe;

    public Task<ScenarioAnswer> InvestigateAsync(ScenarioQuestion question, CancellationToken cancellationToken) =>
        InvestigateAsync(question.Subject, question.Start, question.End, cancellationToken);

    public const int MaxStatements = 200;
    private const int MaxLinesPerQuery = 500;

    /// <summary>Why a wipe cannot be answered without the audit trail, in the words every step shows.</summary>
    public const string NoAuditedDatabase = "no audited database is configured (Audit:TargetConnection): the audit trail is what records each removed row, who removed it and how";

    public async Task<ScenarioAnswer> InvestigateAsync(string? table, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (!audit.Value.IsConfigured)
        {
            // Said per step rather than thrown: each step then says what it lacks, and nothing claims "nothing found".
            return new ScenarioAnswer([], new InvestigationResult([],
            [
                new Unknown(InvestigationStep.What, "what removed the rows", NoAuditedDatabase),
                new Unknown(InvestigationStep.Who, "who removed them", NoAuditedDatabase),
                new Unknown(InvestigationStep.Why, "how they were removed", NoAuditedDatabase),
            ]), []);
        }

        var (statements, rest, patterns) = await StatementsAsync(table, from, to, cancellationToken);
        var now = time.GetUtcNow();
        // The request lines and the actors' past are independent reads: side by side.
        var requests = RequestsAsync(statements, cancellationToken);
        var serverLog = ServerLogAsync(statements, from, to, cancellationToken);
        var changes = ChangesAsync(statements, cancellationToken);
        var cascading = CascadingKeysAsync(statements, cancellationToken);
        var roles = RolesAsync([.. statements.Select(s => s.SessionRole).Distinct()], cancellationToken);
        var context = statements.Count == 0 ? Task.FromResult<IReadOnlyList<Finding>>([]) : actors.DescribeAsync(statements, from, to, now, cancellationToken);
        var profile = options.Value.Profile;
        var (log, shipped) = await serverLog;
        var evidence = new WipeEvidence(statements, profile, await requests)
        {
            ServerLog = log,
            ServerLogRead = shipped,
            From = from,
            To = to,
            Table = table,
            Changes = await changes,
            CascadingKeys = await cascading,
            Credentials = options.Value.Credentials,
            Routine = patterns.Kinds.Where(RoutineChanges.IsRoutine).Sum(p => p.InWindow),
            Roles = await roles,
        };
        var result = WipeInvestigation.Analyse(evidence, now);
        result = result with { Findings = [.. result.Findings, .. await context] };
        // Beside what was followed: the other transactions summed up, and the application's routine apart.
        IEnumerable<Finding> apart = [.. new[] { WipeInvestigation.NotFollowedFinding(rest, now), RoutineChanges.Summary(patterns.Kinds, patterns.Query, now) }.OfType<Finding>()];
        result = result with { Findings = [.. result.Findings.Where(f => f.Step == InvestigationStep.What), .. apart, .. result.Findings.Where(f => f.Step != InvestigationStep.What)] };
        return new ScenarioAnswer(statements, result,
            statements.Count == 0 ? ServerLogFindings.Prevent(evidence) : Prevention.ForWipe(statements, profile, new AuditSql(audit.Value.Schema, audit.Value.OwnerRole),
                evidence.Roles));
    }

    /// <summary>How many UPDATEs have their rows read for the columns they changed: the largest followed ones.</summary>
    private const int MaxUpdatesRead = 5;

    /// <summary>What the largest UPDATEs did to their rows: the first rows the trail kept of each, by statement id.</summary>
    private async Task<IReadOnlyDictionary<long, IReadOnlyList<RowChange>>> ChangesAsync(IReadOnlyList<AuditStatement> statements, CancellationToken cancellationToken)
    {
        var updates = statements.Where(s => s.Changes).OrderByDescending(s => s.Rows).Take(MaxUpdatesRead).ToList();
        var read = await Task.WhenAll(updates.Select(s => reader.ChangesAsync(s, cancellationToken)));
        return updates.Zip(read).ToDictionary(p => p.First.Id, p => p.Second);
    }

    /// <summary>The audited database's foreign keys declared ON DELETE CASCADE, as (referencing, referenced) table oids.</summary>
    private async Task<IReadOnlySet<(uint Child, uint Parent)>> CascadingKeysAsync(IReadOnlyList<AuditStatement> statements, CancellationToken cancellationToken)
    {
        var keys = new HashSet<(uint, uint)>();
        if (statements.GroupBy(s => s.TxId).All(t => t.Count() == 1))
        {
            return keys;
        }

        await using var connection = await AuditDatabase.OpenAsync(audit.Value, cancellationToken);
        await using var command = new NpgsqlCommand("SELECT conrelid, confrelid FROM pg_catalog.pg_constraint WHERE contype = 'f' AND confdeltype = 'c'", connection);
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            keys.Add((rows.GetFieldValue<uint>(0), rows.GetFieldValue<uint>(1)));
        }

        return keys;
    }

    /// <summary>What each role may do beyond its own grants, from the catalog: superuser, and the roles it is a member of.</summary>
    private async Task<IReadOnlyDictionary<string, RoleGrants>> RolesAsync(string[] roles, CancellationToken cancellationToken)
    {
        await using var connection = await AuditDatabase.OpenAsync(audit.Value, cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT r.rolname, r.rolsuper, array(SELECT g.rolname FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                                               WHERE m.member = r.oid ORDER BY g.rolname)
            FROM pg_catalog.pg_roles r WHERE r.rolname = ANY(@roles)
            """, connection);
        command.Parameters.AddWithValue("roles", roles);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var grants = new Dictionary<string, RoleGrants>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            grants[reader.GetString(0)] = new RoleGrants(reader.GetString(0), reader.GetBoolean(1), reader.GetFieldValue<string[]>(2));
        }

        return grants;
    }

    /// <summary>
    /// The removals of the <see cref="WipeInvestigation.MaxFollowed"/> transactions that removed the most in the
    /// window (with the rest of those transactions' removals, so a cascade is whole), leaving out the application's
    /// routine; what the other transactions add up to; and the window's kinds of change (the routine among them).
    /// </summary>
    private async Task<(IReadOnlyList<AuditStatement> Followed, NotFollowed Others, (IReadOnlyList<ChangePattern> Kinds, string Query) Patterns)> StatementsAsync(
        string? table, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await AuditDatabase.OpenAsync(audit.Value, cancellationToken);
        var statements = SqlText.Qualified(audit.Value.Schema, "statements");
        var destructive = WipeInvestigation.DestructiveSql;
        var subject = "(@table::text IS NULL OR table_name = @table OR schema_name || '.' || table_name = @table)";
        var inWindow = $"statement_at >= @from AND statement_at < @to AND {destructive} AND {subject}";
        var patterns = await PatternsAsync(connection, statements, destructive, subject, table, from, to, cancellationToken);
        var routine = patterns.Kinds.Where(RoutineChanges.IsRoutine).ToList();
        void Parameters(NpgsqlParameterCollection p)
        {
            p.AddWithValue("from", from);
            p.AddWithValue("to", to);
            p.Add(new NpgsqlParameter("table", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)table ?? DBNull.Value });
            p.AddWithValue("rt", routine.Select(r => r.Table).ToArray());
            p.AddWithValue("ra", routine.Select(r => r.Action).ToArray());
            p.AddWithValue("rp", routine.Select(r => r.Path).ToArray());
            p.AddWithValue("rr", routine.Select(r => r.Role).ToArray());
        }

        // In one pass over the window: each transaction's rows, whether it is routine (each of its statements of a
        // routine kind, or caused by one: a cascade's rows carry the text of the statement that caused them), then the
        // followed ones (the largest that are not routine, each within a tenth of the largest: beside a wipe, smaller
        // deletes are summed up, not told one by one) and what the others add up to.
        await using var command = new NpgsqlCommand($"""
            WITH w AS (
                SELECT id, tx_id, row_count, query,
                       (schema_name || '.' || table_name, action, COALESCE(request_path, ''), session_role)
                           IN (SELECT * FROM unnest(@rt::text[], @ra::text[], @rp::text[], @rr::text[])) AS habitual
                FROM {statements} WHERE {inWindow}),
            texts AS (SELECT tx_id, query, bool_or(habitual) AS habitual FROM w GROUP BY tx_id, query),
            tx AS (
                SELECT w.tx_id, sum(w.row_count) AS removed, min(w.id) AS first, (array_agg(w.id ORDER BY w.row_count DESC))[1] AS largest_id,
                       max(w.row_count) AS largest_rows, bool_and(w.habitual OR t.habitual) AS routine
                FROM w JOIN texts t ON t.tx_id = w.tx_id AND t.query IS NOT DISTINCT FROM w.query
                GROUP BY w.tx_id),
            ranked AS (
                SELECT *, max(removed) OVER () AS top, row_number() OVER (ORDER BY removed DESC, first) AS rank FROM tx WHERE NOT routine),
            followed AS (SELECT tx_id FROM ranked WHERE removed * {WipeInvestigation.FollowedShare} >= top AND rank <= {WipeInvestigation.MaxFollowed})
            SELECT true, tx_id, 0::bigint, NULL::bigint FROM followed
            UNION ALL
            SELECT false, count(*), COALESCE(sum(removed), 0)::bigint, (array_agg(largest_id ORDER BY largest_rows DESC))[1]
            FROM ranked WHERE tx_id NOT IN (SELECT tx_id FROM followed)
            """, connection);
        Parameters(command.Parameters);
        var followedIds = new List<long>();
        var others = new NotFollowed(0, 0, null);
        long? largestId = null;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetBoolean(0))
                {
                    followedIds.Add(reader.GetInt64(1));
                }
                else
                {
                    (others, largestId) = (new NotFollowed(reader.GetInt64(1), reader.GetInt64(2), null), reader.IsDBNull(3) ? null : reader.GetInt64(3));
                }
            }
        }

        // Each followed transaction whole (its statements out of the window too, so a cascade is whole).
        var followed = followedIds.Count == 0 ? [] : await AuditDatabase.StatementsAsync(connection, audit.Value.Schema, $"""
            {destructive} AND tx_id = ANY(@ids)
            AND statement_at >= @from - interval '1 hour' AND statement_at < @to + interval '1 hour'
            """, p =>
            {
                p.AddWithValue("ids", followedIds.ToArray());
                p.AddWithValue("from", from);
                p.AddWithValue("to", to);
            }, cancellationToken, MaxStatements);
        if (largestId is { } id)
        {
            var largest = await AuditDatabase.StatementsAsync(connection, audit.Value.Schema, "id = @id", p => p.AddWithValue("id", id), cancellationToken);
            others = others with { Largest = largest.FirstOrDefault() };
        }

        return (followed, others, patterns);
    }

    /// <summary>How far before the window the application's habits are counted: an hour, or as long as the window.</summary>
    private static TimeSpan Baseline(DateTimeOffset from, DateTimeOffset to) => to - from > TimeSpan.FromHours(1) ? to - from : TimeSpan.FromHours(1);

    /// <summary>
    /// The window's kinds of destructive statement the sessions sent (table, action, request path, role; a cascade's
    /// rows, recorded with the text of the statement that caused them, which names another table, are not sent),
    /// counted in the window and in the hour before it (or as long, for a longer window): what tells the application's
    /// routine from the incident.
    /// </summary>

    private static async Task<(IReadOnlyList<ChangePattern> Kinds, string Query)> PatternsAsync(
        NpgsqlConnection connection, string statements, string destructive, string subject, string? table, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT schema_name || '.' || table_name, action, COALESCE(request_path, ''), session_role,
                   count(*) FILTER (WHERE statement_at >= @from),
                   count(DISTINCT COALESCE(app_username, app_user_id)) FILTER (WHERE statement_at >= @from),
                   COALESCE(sum(row_count) FILTER (WHERE statement_at >= @from), 0)::bigint,
                   COALESCE(max(row_count) FILTER (WHERE statement_at >= @from), 0),
                   count(*) FILTER (WHERE statement_at < @from),
                   COALESCE(max(row_count) FILTER (WHERE statement_at < @from), 0)
            FROM {statements}
            WHERE statement_at >= @before AND statement_at < @to AND {destructive} AND {subject}
              AND (query IS NULL OR strpos(lower(query), lower(table_name)) > 0)
            GROUP BY 1, 2, 3, 4
            HAVING count(*) FILTER (WHERE statement_at >= @from) > 0
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("before", from - Baseline(from, to));
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        command.Parameters.Add(new NpgsqlParameter("table", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)table ?? DBNull.Value });
        var patterns = new List<ChangePattern>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            patterns.Add(new ChangePattern(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9)));
        }

        var shown = AuditDatabase.Shown(sql, ("table", table is null ? "NULL" : SqlText.Literal(table)),
            ("before", AuditDatabase.TimeLiteral(from - Baseline(from, to))), ("from", AuditDatabase.TimeLiteral(from)), ("to", AuditDatabase.TimeLiteral(to)));
        return (patterns, shown);
    }

    /// <summary>How far before a statement its session's connection lines are looked for (a psql session may stay open for hours).</summary>
    public static readonly TimeSpan SessionLookback = TimeSpan.FromHours(6);

    /// <summary>The most sessions whose lines are read: the direct statements' and the attempts' first ones.</summary>
    private const int MaxSessions = 20;

    /// <summary>
    /// PostgreSQL's own log: the window's refused and logged destructive statements, and the lines of each session
    /// behind them and behind each statement that went around the application, by backend pid. Whether the log holds
    /// anything around the window at all is said too: no line there means it is not shipped, not that nothing happened.
    /// </summary>
    private async Task<(IReadOnlyList<ServerLogLine> Log, bool Read)> ServerLogAsync(
        IReadOnlyList<AuditStatement> statements, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var lines = new List<RequestLine>();
        var window = await logs.QueryRangeAsync(new RangeQueryRequest(ServerLogFindings.AttemptsQuery, TimeWindow.Ns(from), TimeWindow.Ns(to))
        {
            Limit = MaxLinesPerQuery,
            Direction = Direction.Forward,
        }, cancellationToken);
        lines.AddRange(InvestigationLogs.Lines(window));

        var profile = options.Value.Profile;
        var sessions = AuditStatement.FirstOfEachTransaction(statements).Where(s => Channel.Of(s, profile).Kind == ChannelKind.Direct).Select(s => (Pid: s.BackendPid, At: s.StatementAt))
            .Concat(ServerAttempts.Find(Read(lines)).Select(a => (a.Pid, a.At)))
            .DistinctBy(s => s.Pid)
            .Take(MaxSessions);
        var read = await Task.WhenAll(sessions.Select(session => logs.QueryRangeAsync(new RangeQueryRequest(ServerLogFindings.SessionQuery(session.Pid),
            TimeWindow.Ns(session.At - SessionLookback), TimeWindow.Ns(session.At + TimeSpan.FromMinutes(10)))
        {
            // The lines nearest the statement, newest first: a reused pid's older sessions are what a cut leaves out.
            Limit = WipeInvestigation.MaxSessionLines * 8,
        }, cancellationToken)));
        lines.AddRange(read.SelectMany(InvestigationLogs.Lines));

        var shipped = lines.Count > 0 || (await logs.QueryRangeAsync(new RangeQueryRequest(LogQueryBuilder.Stream("job", "postgres").ToString(),
            TimeWindow.Ns(from - TimeSpan.FromHours(1)), TimeWindow.Ns(to + TimeSpan.FromMinutes(10))) { Limit = 1 }, cancellationToken)).EntryCount > 0;
        return (Read(lines.DistinctBy(l => (l.At, l.Line)).ToList()), shipped);
    }

    private static IReadOnlyList<ServerLogLine> Read(IReadOnlyList<RequestLine> lines) => ServerLogLine.Read(lines.Select(l => (l.At, l.Line)));

    /// <summary>Lines with each statement's correlation id, and the backend's lines around each statement without one.</summary>
    private async Task<IReadOnlyList<RequestLine>> RequestsAsync(IReadOnlyList<AuditStatement> statements, CancellationToken cancellationToken)
    {
        var lines = new List<RequestLine>();
        var firsts = AuditStatement.FirstOfEachTransaction(statements).ToList();

        // By id, all at once: each request chain, which starts before its statement (the click, the request).
        var correlated = firsts.Where(s => s.CorrelationId is not null).ToList();
        if (correlated.Count > 0)
        {
            // The application's own lines only: the audit trail's copies in the log store carry the same id, and a copy of
            // the trail never corroborates the trail.
            var query = ActivityQueries.ApplicationLines.ContainsAny(correlated.Select(s => s.CorrelationId!).Distinct()).ToString();
            var response = await logs.QueryRangeAsync(new RangeQueryRequest(query,
                TimeWindow.Ns(correlated.Min(s => s.StatementAt) - TimeSpan.FromMinutes(5)), TimeWindow.Ns(correlated.Max(s => s.StatementAt) + TimeSpan.FromMinutes(1)))
            {
                Limit = MaxLinesPerQuery,
            }, cancellationToken);
            lines.AddRange(InvestigationLogs.Lines(response));
        }

        // Without one: the backend's lines close enough to each statement for the time-and-user join, side by side.
        var near = await Task.WhenAll(firsts.Where(s => s.CorrelationId is null).Select(statement => logs.QueryRangeAsync(
            new RangeQueryRequest(LogQueryBuilder.Stream("job", "tovplay-backend").ToString(),
                TimeWindow.Ns(statement.StatementAt - WipeInvestigation.JoinTolerance), TimeWindow.Ns(statement.StatementAt + WipeInvestigation.JoinTolerance))
            {
                Limit = MaxLinesPerQuery,
            }, cancellationToken)));
        lines.AddRange(near.SelectMany(InvestigationLogs.Lines));

        // A line can answer both reads (a correlated request close to a statement without an id): once is enough.
        return [.. lines.DistinctBy(l => (l.At, l.Job, l.Line))];
    }
}
