using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.PostgresLog;

namespace TovPlay.Logs.Domain.Tests.Investigations;

public sealed class WipeInvestigationTests
{
    private static readonly DateTimeOffset s_at = new(2026, 11, 27, 10, 31, 12, TimeSpan.Zero);
    private static readonly ApplicationProfile s_app = new(["10.0.1.5"], ["tovplay-backend"], ["tovplay_app"]);

    private static AuditStatement Delete(long id = 7, string? correlation = "c-42", string? user = "mallory", string application = "tovplay-backend", string addr = "10.0.1.5", string role = "tovplay_app") =>
        new(id, 901, s_at, "public", "users", "DELETE", 1842, role, role, addr, 50122, application, 4242, user is null ? null : "77", user, "203.0.113.9", correlation, "/api/users/bulk-delete", "DELETE FROM users WHERE id = ANY($1)");

    private static RequestLine Line(string job, double seconds, params (string Name, string Value)[] fields) =>
        new(s_at.AddSeconds(seconds), job, fields.ToDictionary(f => f.Name, f => f.Value), "{" + string.Join(",", fields.Select(f => $"\"{f.Name}\":\"{f.Value}\"")) + "}");

    [Fact]
    public void ThroughTheApp_WithACorrelationId_EveryAnswerIsDirect_AndTheChainRunsFromClickToRequest()
    {
        var requests = new[]
        {
            Line("tovplay-frontend", -0.4, ("correlation_id", "c-42"), ("action", "click:bulk-delete"), ("username", "mallory")),
            Line("tovplay-backend", -0.1, ("correlation_id", "c-42"), ("method", "POST"), ("path", "/api/users/bulk-delete"), ("status", "200"), ("username", "mallory")),
            Line("tovplay-backend", 0.2, ("correlation_id", "c-other"), ("method", "DELETE"), ("path", "/api/games/3"), ("username", "bob")),
        };

        var result = WipeInvestigation.Analyse(new WipeEvidence([Delete()], s_app, requests), s_at);

        Assert.All(result.Findings, f => Assert.Equal(FindingBasis.Direct, f.Basis));
        // The row's ties to the rest are in the sentence itself: the transaction, the request path and the correlation id.
        Assert.Equal("DELETE on public.users removed 1,842 row(s) at 2026-11-27 10:31:12.000 UTC (statement 7, transaction 901, request path /api/users/bulk-delete, correlation id c-42)",
            Assert.Single(result.For(InvestigationStep.What)).Statement);
        Assert.Equal(
            ["Database role tovplay_app, from 10.0.1.5:50122, program tovplay-backend, backend pid 4242, transaction 901", "Application user mallory (id 77) from 203.0.113.9"],
            result.For(InvestigationStep.Who).Select(f => f.Statement));
        var why = result.For(InvestigationStep.Why).Select(f => f.Statement).ToList();
        Assert.StartsWith("The change came through the application", why[0]);
        Assert.Equal("The statement as sent: DELETE FROM users WHERE id = ANY($1)", why[1]);
        // One timeline: the click, the request, the SQL it ran.
        Assert.Equal(
        [
            "Frontend at 2026-11-27 10:31:11.600 UTC: click:bulk-delete by mallory",
            "Backend at 2026-11-27 10:31:11.900 UTC: POST /api/users/bulk-delete (200) by mallory",
            "SQL at 2026-11-27 10:31:12.000 UTC: DELETE on public.users (1,842 row(s))",
        ], why[2..]);
        Assert.Contains("\"action\":\"DELETE\"", result.Findings[0].Evidence[0].Snapshot);
        Assert.Empty(result.Unknowns);
    }

    [Fact]
    public void PsqlFromAnUnknownAddress_IsSaidToBeAroundTheApp_AndNoRequestIsInvented()
    {
        var truncate = Delete(correlation: null, user: null, application: "psql", addr: "198.51.100.23", role: "dba") with { Action = "TRUNCATE", Query = "TRUNCATE users" };
        var requests = new[] { Line("tovplay-backend", 0.5, ("method", "DELETE"), ("path", "/api/users/3"), ("username", "bob")) };

        var result = WipeInvestigation.Analyse(new WipeEvidence([truncate], s_app, requests), s_at);

        var why = result.For(InvestigationStep.Why).Select(f => f.Statement).ToList();
        Assert.Equal(2, why.Count);
        Assert.StartsWith("The change did not come through the application: ", why[0]);
        Assert.Equal("The statement as sent: TRUNCATE users", why[1]);
        Assert.Equal(["the application user", "the request behind it", "the session of backend pid 4242 in PostgreSQL's own log"], result.Unknowns.Select(u => u.What));
        Assert.Contains("did not come through the application", result.Unknowns[1].Why);
        Assert.StartsWith("no line of it was shipped (job=\"postgres\"): turn on log_connections", result.Unknowns[2].Why);
    }

    [Fact]
    public void ADirectSession_IsToldByPostgresOwnLog_ThroughTheBackendPid()
    {
        var truncate = Delete(correlation: null, user: null, application: "psql", addr: "198.51.100.23", role: "dba") with { Action = "TRUNCATE", Query = "TRUNCATE users" };
        RequestLine Log(double seconds, string line) => new(s_at.AddSeconds(seconds), "postgres", new Dictionary<string, string>(), line);
        var log = new[]
        {
            Log(-40, "2026-11-27 10:30:32.100 UTC [4242] LOG:  connection received: host=198.51.100.23 port=50122"),
            Log(-39.9, "2026-11-27 10:30:32.200 UTC [4242] LOG:  connection authorized: user=dba database=tovplay application_name=psql"),
            Log(-20, "2026-11-27 10:30:52.000 UTC [4243] LOG:  connection authorized: user=tovplay_app database=tovplay"),
        };

        var result = WipeInvestigation.Analyse(new WipeEvidence([truncate], s_app, []) { ServerLog = ServerLogLine.Read(log.Select(l => (l.At, l.Line))) }, s_at);

        var why = result.For(InvestigationStep.Why).ToList();
        Assert.Equal(
        [
            "PostgreSQL at 2026-11-27 10:30:32.000 UTC: LOG:  connection received: host=198.51.100.23 port=50122",
            "PostgreSQL at 2026-11-27 10:30:32.100 UTC: LOG:  connection authorized: user=dba database=tovplay application_name=psql",
        ], why.Skip(2).Select(f => f.Statement));
        Assert.Equal("""{job="postgres"} |~ "\\[4242[\\]-]" """.Trim(), why[2].Evidence.Single().Query);
        Assert.Equal(EvidenceSource.PostgresLog, why[2].Source);
        Assert.DoesNotContain(result.Unknowns, u => u.What.StartsWith("the session", StringComparison.Ordinal));
    }

    [Fact]
    public void ADirectSession_WhosePidWasUsedBefore_IsToldByItsOwnLinesOnly()
    {
        // PostgreSQL reuses backend pids: lines of an earlier session with the same pid, ended before, are not this one's.
        var truncate = Delete(correlation: null, user: null, application: "psql", addr: "198.51.100.23", role: "dba") with { Action = "TRUNCATE", Query = "TRUNCATE users" };
        RequestLine Log(double seconds, string line) => new(s_at.AddSeconds(seconds), "postgres", new Dictionary<string, string>(), line);
        var log = new[]
        {
            Log(-3600, "2026-11-27 09:31:12.000 UTC [4242] LOG:  connection authorized: user=tovplay_app database=tovplay application_name=tovplay-backend"),
            Log(-3000, "2026-11-27 09:41:12.000 UTC [4242] LOG:  disconnection: session time: 0:10:00.000 user=tovplay_app database=tovplay host=10.0.1.5 port=40000"),
            Log(-40, "2026-11-27 10:30:32.100 UTC [4242] LOG:  connection received: host=198.51.100.23 port=50122"),
            Log(-39.9, "2026-11-27 10:30:32.200 UTC [4242] LOG:  connection authorized: user=dba database=tovplay application_name=psql"),
            Log(30, "2026-11-27 10:31:42.000 UTC [4242] LOG:  disconnection: session time: 0:01:10.000 user=dba database=tovplay host=198.51.100.23 port=50122"),
            Log(600, "2026-11-27 10:41:12.000 UTC [4242] LOG:  connection authorized: user=tovplay_app database=tovplay application_name=tovplay-backend"),
        };

        var result = WipeInvestigation.Analyse(new WipeEvidence([truncate], s_app, []) { ServerLog = ServerLogLine.Read(log.Select(l => (l.At, l.Line))) }, s_at);

        Assert.Equal(
        [
            "PostgreSQL at 2026-11-27 10:30:32.000 UTC: LOG:  connection received: host=198.51.100.23 port=50122",
            "PostgreSQL at 2026-11-27 10:30:32.100 UTC: LOG:  connection authorized: user=dba database=tovplay application_name=psql",
            "PostgreSQL at 2026-11-27 10:31:42.000 UTC: LOG:  disconnection: session time: 0:01:10.000 user=dba database=tovplay host=198.51.100.23 port=50122",
        ], result.For(InvestigationStep.Why).Skip(2).Select(f => f.Statement));
    }

    [Fact]
    public void AFailedRequestInTheChain_SaysItsError_KeepsTheStackTrace_AndLinksTheTrace()
    {
        var requests = new[]
        {
            Line("tovplay-backend", -0.1, ("method", "POST"), ("path", "/api/users/bulk-delete"), ("status", "500"), ("correlation_id", "c-42"), ("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"),
                ("error_type", "IntegrityError"), ("error_message", "games_owner_fkey"), ("error_stack", "Traceback (most recent call last):\n  File \"users.py\", line 88")),
        };

        var result = WipeInvestigation.Analyse(new WipeEvidence([Delete()], s_app, requests), s_at);

        var backend = result.For(InvestigationStep.Why).Single(f => f.Statement.StartsWith("Backend", StringComparison.Ordinal));
        Assert.Equal("Backend at 2026-11-27 10:31:11.900 UTC: POST /api/users/bulk-delete (500); error IntegrityError: games_owner_fkey", backend.Statement);
        Assert.Equal(("4bf92f3577b34da6a3ce929d0e0e4736", "c-42"), (backend.TraceId, backend.CorrelationId));
        Assert.Equal([EvidenceSource.ApplicationLog, EvidenceSource.StackTrace], backend.Evidence.Select(e => e.Source));
        Assert.StartsWith("Traceback (most recent call last):", backend.Evidence[1].Snapshot);
    }

    [Fact]
    public void NoCorrelationId_TheRequestIsJoinedByTimeAndUser_AsAnInferenceWithItsConfidence()
    {
        var requests = new[]
        {
            Line("tovplay-backend", 0.8, ("method", "POST"), ("path", "/api/users/bulk-delete"), ("username", "mallory")),
            Line("tovplay-backend", 0.3, ("method", "GET"), ("path", "/api/users"), ("username", "mallory")),
            Line("tovplay-backend", 5, ("method", "POST"), ("path", "/api/users/other"), ("username", "mallory")),
        };

        var result = WipeInvestigation.Analyse(new WipeEvidence([Delete(correlation: null)], s_app, requests), s_at);

        var inferred = Assert.Single(result.Findings, f => f.Basis == FindingBasis.Inferred);
        Assert.Equal("Probably the request POST /api/users/bulk-delete by mallory at 2026-11-27 10:31:12.800 UTC", inferred.Statement);
        Assert.Equal(0.8, inferred.Confidence, 6);
        Assert.Equal("no correlation id: the only changing request by mallory within 2 s of the statement, on the path the transaction recorded (/api/users/bulk-delete)", inferred.How);
        Assert.Equal("{job=\"tovplay-backend\"} | json | username=\"mallory\"", inferred.Evidence[0].Query);

        // Without the path the join is weaker by that much.
        var elsewhere = WipeInvestigation.Analyse(new WipeEvidence([Delete(correlation: null) with { RequestPath = null }], s_app, requests), s_at);
        Assert.Equal(0.7, Assert.Single(elsewhere.Findings, f => f.Basis == FindingBasis.Inferred).Confidence, 6);
    }

    [Fact]
    public void NothingInTheTrail_SaysWhatCouldNotBeEstablishedAndWhy()
    {
        var result = WipeInvestigation.Analyse(new WipeEvidence([], s_app, []), s_at);

        Assert.Empty(result.Findings);
        // Each step says what it lacks, WHO and WHY/HOW too.
        Assert.Equal(["what removed the rows", "what PostgreSQL itself refused or logged", "who removed the rows", "how they were removed"], result.Unknowns.Select(u => u.What));
        Assert.Equal([InvestigationStep.What, InvestigationStep.What, InvestigationStep.Who, InvestigationStep.Why], result.Unknowns.Select(u => u.Step));
        Assert.Contains("the table may not be audited, its triggers may have been disabled", result.Unknowns[0].Why);
        Assert.StartsWith("no line of PostgreSQL's own log (job=\"postgres\") was found around the window", result.Unknowns[1].Why);
    }

    [Fact]
    public void ACorrelationIdWithNoLines_IsAnUnknown_NotASilence()
    {
        var result = WipeInvestigation.Analyse(new WipeEvidence([Delete()], s_app, []), s_at);

        Assert.Equal("no log line carries correlation id c-42: the lines may be past retention or were never shipped", Assert.Single(result.Unknowns).Why);
    }

    [Fact]
    public void NotFollowed_SaysHowManyTransactionsAndRowsWereLeftOut_AndTheLargest()
    {
        var largest = Delete(id: 4) with { Rows = 40 };

        Assert.Equal(
            "Also in the window: 4 smaller transaction(s) removing or overwriting 100 row(s) in all (the largest: DELETE on public.users, 40 row(s)); followed above are the largest (at most 10, each at least a tenth of the largest)",
            WipeInvestigation.NotFollowedFinding(new NotFollowed(4, 100, largest), s_at)!.Statement);
        Assert.Null(WipeInvestigation.NotFollowedFinding(new NotFollowed(0, 0, null), s_at));
    }

    [Fact]
    public void ARefusedAttempt_IsAnAnswer_NothingWasRemoved_ButThisRole_FromThisAddress_WithThisProgram_TriedThisStatement()
    {
        RequestLine Log(double seconds, string line) => new(s_at.AddSeconds(seconds), "postgres", new Dictionary<string, string>(), line);
        var log = new[]
        {
            Log(-30, "2026-11-27 10:30:42.000 UTC [300] [unknown]@[unknown] LOG:  connection received: host=203.0.113.5 port=51234"),
            Log(-29.9, "2026-11-27 10:30:42.100 UTC [300] dev_rowan@tovplay LOG:  connection authorized: user=dev_rowan database=tovplay application_name=psql"),
            Log(-10, "2026-11-27 10:31:02.000 UTC [301] tovplay_app@tovplay ERROR:  duplicate key value violates unique constraint \"lobbies_pkey\""),
            Log(-10, "2026-11-27 10:31:02.000 UTC [301] tovplay_app@tovplay STATEMENT:  INSERT INTO lobbies VALUES (7)"),
            Log(0, "2026-11-27 10:31:12.000 UTC [300] dev_rowan@tovplay ERROR:  permission denied for table users"),
            Log(0, "2026-11-27 10:31:12.000 UTC [300] dev_rowan@tovplay STATEMENT:  DELETE FROM users;"),
        };

        var result = WipeInvestigation.Analyse(new WipeEvidence([], s_app, [])
        {
            ServerLog = ServerLogLine.Read(log.Select(l => (l.At, l.Line))),
            ServerLogRead = true,
            From = s_at.AddMinutes(-5),
            To = s_at.AddMinutes(5),
            Table = "users",
        }, s_at);

        Assert.Equal(
        [
            "Nothing was removed or overwritten in this window: the audit trail holds no DELETE, TRUNCATE, DROP TABLE or mass UPDATE in it on users; what PostgreSQL refused is below",
            "PostgreSQL refused DELETE on users at 2026-11-27 10:31:12.000 UTC: permission denied for table users; it changed nothing. The statement: DELETE FROM users;",
        ], result.For(InvestigationStep.What).Select(f => f.Statement));
        Assert.Equal([EvidenceSource.AuditTrail, EvidenceSource.PostgresLog], result.For(InvestigationStep.What).Select(f => f.Source));
        Assert.Equal(["Tried by database role dev_rowan, from 203.0.113.5:51234, program psql, backend pid 300"], result.For(InvestigationStep.Who).Select(f => f.Statement));
        var why = result.For(InvestigationStep.Why).Select(f => f.Statement).ToList();
        Assert.StartsWith("The attempt did not come through the application: ", why[0]);
        Assert.Contains("the client program was psql (an interactive tool: psql)", why[0]);
        Assert.Equal("PostgreSQL at 2026-11-27 10:30:42.000 UTC: LOG:  connection received: host=203.0.113.5 port=51234", why[1]);
        Assert.Empty(result.Unknowns);
    }

    [Fact]
    public void ADestructiveStatementTheServerLogged_ButTheTrailDidNot_IsSaid_AndOneTheTrailHasIsNotRepeated()
    {
        RequestLine Log(double seconds, string line) => new(s_at.AddSeconds(seconds), "postgres", new Dictionary<string, string>(), line);
        var truncate = Delete(correlation: null, user: null, application: "psql", addr: "198.51.100.23", role: "dba") with { Action = "TRUNCATE", BackendPid = 4242 };
        var log = new[]
        {
            Log(0, "2026-11-27 10:31:12.000 UTC [4242] dba@tovplay LOG:  statement: TRUNCATE users"),
            Log(5, "2026-11-27 10:31:17.000 UTC [4250] dba@tovplay LOG:  statement: DROP TABLE scratch_scores"),
        };

        var result = WipeInvestigation.Analyse(new WipeEvidence([truncate], s_app, [])
        {
            ServerLog = ServerLogLine.Read(log.Select(l => (l.At, l.Line))),
            ServerLogRead = true,
            From = s_at.AddMinutes(-5),
            To = s_at.AddMinutes(5),
        }, s_at);

        var logged = Assert.Single(result.For(InvestigationStep.What), f => f.Source == EvidenceSource.PostgresLog);
        Assert.Equal("PostgreSQL logged DROP TABLE on scratch_scores as run at 2026-11-27 10:31:17.000 UTC, and the audit trail has no record of it (the table is not audited, or its triggers were off). The statement: DROP TABLE scratch_scores",
            logged.Statement);
    }

    [Fact]
    public void AnUpdateWithoutWhere_SaysWhichColumnItOverwrote_BeforeAndAfter_AndThatItHadNoWhere()
    {
        var update = Delete(correlation: null, user: null, application: "tovplay-worker", role: "tovplay_worker") with
        {
            Action = "UPDATE", Rows = 20_000, Query = "UPDATE users SET balance_cents = 0", RequestPath = "job:grant_monthly_bonus",
        };
        IReadOnlyList<RowChange> changes =
        [
            new(7, 1, """{"id":1,"balance_cents":1250}""", """{"id":1,"balance_cents":0}"""),
            new(7, 2, """{"id":2,"balance_cents":980}""", """{"id":2,"balance_cents":0}"""),
            new(7, 3, """{"id":3,"balance_cents":1250}""", """{"id":3,"balance_cents":0}"""),
        ];

        var result = WipeInvestigation.Analyse(new WipeEvidence([update], s_app, []) { Changes = new Dictionary<long, IReadOnlyList<RowChange>> { [7] = changes } }, s_at);

        Assert.Equal(
        [
            "UPDATE on public.users overwrote 20,000 row(s) at 2026-11-27 10:31:12.000 UTC (statement 7, transaction 901, request path job:grant_monthly_bonus)",
            "It changed balance_cents on 3 row(s): before, 2 different values (1250, 980); after, 0 on every one (in the first 3 of its 20,000 rows)",
        ], result.For(InvestigationStep.What).Select(f => f.Statement));
        Assert.Contains("The statement as sent: UPDATE users SET balance_cents = 0 (no WHERE clause: it applied to every row of public.users)",
            result.For(InvestigationStep.Why).Select(f => f.Statement));
    }

    [Fact]
    public void ACredentialChange_ShowsTheNewEmail_ButNeverAPasswordHash()
    {
        var update = Delete() with { Action = "UPDATE", Rows = 1, Query = "UPDATE users SET email = $1, password_hash = $2 WHERE id = $3" };
        IReadOnlyList<RowChange> changes =
            [new(7, 1, """{"id":14,"email":"nico@example.org","password_hash":"$2b$12$old"}""", """{"id":14,"email":"owner@evil.example","password_hash":"$2b$12$new"}""")];

        var result = WipeInvestigation.Analyse(new WipeEvidence([update], s_app, []) { Changes = new Dictionary<long, IReadOnlyList<RowChange>> { [7] = changes } }, s_at);

        var changed = result.For(InvestigationStep.What).Select(f => f.Statement).Last();
        Assert.Equal("It changed email on 1 row(s): before, \"nico@example.org\"; after, \"owner@evil.example\"; password_hash on 1 row(s): changed (a secret: its values are not shown)", changed);
        Assert.DoesNotContain(result.Findings.SelectMany(f => f.Evidence), e => e.Snapshot.Contains("$2b$12$", StringComparison.Ordinal));
    }

    [Fact]
    public void ACascade_IsSaidInTheSentence_WithTheStatementThatCausedIt()
    {
        // As PostgreSQL records them: the cascade's rows after the statement that caused them, with its text.
        var lobby = Delete(id: 20) with { Table = "lobbies", Rows = 1, TableOid = 10, Query = "DELETE FROM lobbies WHERE id = $1" };
        var members = Delete(id: 21) with { Table = "lobby_members", Rows = 12, TableOid = 11, Query = "DELETE FROM lobbies WHERE id = $1" };
        var truncate = Delete(id: 30) with { TxId = 950, Action = "TRUNCATE", Table = "games", Rows = 0, TableOid = 12, Query = "TRUNCATE games CASCADE" };
        var truncated = Delete(id: 31) with { TxId = 950, Action = "TRUNCATE", Table = "lobbies", Rows = 0, TableOid = 10, Query = "TRUNCATE games CASCADE" };

        var request = Line("tovplay-backend", -0.1, ("correlation_id", "c-42"), ("method", "DELETE"), ("path", "/api/lobbies/7"), ("status", "200"), ("username", "mallory"));

        var result = WipeInvestigation.Analyse(new WipeEvidence([lobby, members, truncate, truncated], s_app, [request])
        {
            CascadingKeys = new HashSet<(uint, uint)> { (11, 10) },
        }, s_at);

        var what = result.For(InvestigationStep.What).Select(f => f.Statement).ToList();
        Assert.StartsWith("DELETE on public.lobby_members removed 12 row(s) at 2026-11-27 10:31:12.000 UTC by ON DELETE CASCADE from the DELETE on public.lobbies (statement 20) (statement 21, transaction 901", what[1]);
        Assert.StartsWith("TRUNCATE on public.lobbies removed 0 row(s) at 2026-11-27 10:31:12.000 UTC by the CASCADE of the TRUNCATE of public.games (statement 30) (statement 31, transaction 950", what[3]);
        // The statement a cascade ran under is said once, as the session sent it.
        Assert.Single(result.For(InvestigationStep.Why), f => f.Statement == "The statement as sent: DELETE FROM lobbies WHERE id = $1");
        Assert.Contains("SQL at 2026-11-27 10:31:12.000 UTC: DELETE on public.lobby_members (12 row(s)) by ON DELETE CASCADE from the DELETE on public.lobbies (statement 20)",
            result.For(InvestigationStep.Why).Select(f => f.Statement));
    }

    [Theory]
    [InlineData("password_hash", true, true)]
    [InlineData("twoFactorSecret", true, true)]
    [InlineData("email", true, false)]
    [InlineData("recovery_email", true, false)]
    [InlineData("api_key", true, true)]
    [InlineData("balance_cents", false, false)]
    [InlineData("footprint", false, false)]
    [InlineData("keyboard_layout", false, false)]
    public void CredentialColumns_AreKnownByTheirNamesWords(string column, bool credential, bool secret)
    {
        Assert.Equal((credential, secret), (CredentialColumns.Default.IsCredential(column), CredentialColumns.Default.IsSecret(column)));
    }
}
