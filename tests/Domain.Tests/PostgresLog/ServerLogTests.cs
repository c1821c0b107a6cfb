using TovPlay.Logs.Domain.PostgresLog;

namespace TovPlay.Logs.Domain.Tests.PostgresLog;

public sealed class ServerLogTests
{
    [Fact]
    public void TryParse_ASessionsLine_ReadsTimePidUserDatabaseSeverityAndMessage()
    {
        var entry = ServerLogEntry.TryParse("2026-12-04 00:30:01.123 UTC [12345] postgres@tovplay_sandbox LOG:  connection authorized: user=postgres database=tovplay_sandbox application_name=psql");

        Assert.NotNull(entry);
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 0, 30, 1, 123, TimeSpan.Zero), entry.At);
        Assert.Equal((12345, "postgres", "tovplay_sandbox", "LOG", "info"), (entry.Pid, entry.User, entry.Database, entry.Severity, entry.Level));
        Assert.Equal("connection authorized: user=postgres database=tovplay_sandbox application_name=psql", entry.Message);
    }

    [Theory]
    [InlineData("2026-12-04 00:30:01.000 UTC [12345] [unknown]@[unknown] LOG:  connection received: host=::1 port=51234", null, null)]
    [InlineData("2026-12-04 00:30:01.000 UTC [12345] @ LOG:  connection received: host=::1 port=51234", null, null)]
    [InlineData("2026-12-04 00:30:01.000 UTC [77] LOG:  checkpoint starting: time", null, null)]
    [InlineData("2026-12-04 00:30:01.000 UTC [12345] dev_rowan@tovplay_sandbox ERROR:  permission denied for table users", "dev_rowan", "tovplay_sandbox")]
    public void TryParse_LinesWithoutASessionYet_HaveNoUserOrDatabase(string line, string? user, string? database)
    {
        var entry = ServerLogEntry.TryParse(line);

        Assert.NotNull(entry);
        Assert.Equal((user, database), (entry.User, entry.Database));
    }

    [Fact]
    public void TryParse_ErrorsAreErrors_AndAContinuationLineIsNotAnEntry()
    {
        Assert.Equal("error", ServerLogEntry.TryParse("2026-12-04 00:30:01.000 UTC [9] u@d FATAL:  password authentication failed for user \"u\"")!.Level);
        Assert.Equal("warn", ServerLogEntry.TryParse("2026-12-04 00:30:01.000 UTC [9] u@d WARNING:  there is no transaction in progress")!.Level);
        Assert.Null(ServerLogEntry.TryParse("\tWHERE id = 1"));
        Assert.Null(ServerLogEntry.TryParse("not a log line"));
    }

    [Fact]
    public void Filter_KeepsOneDatabasesEntries_WithTheConnectionReceivedBeforeItsSessionKnewIt()
    {
        var filter = new ServerLogFilter("tovplay_sandbox");
        ServerLogEntry E(string line) => ServerLogEntry.TryParse(line)!;

        var kept = new[]
        {
            E("2026-12-04 00:30:01.000 UTC [100] [unknown]@[unknown] LOG:  connection received: host=::1 port=5000"),
            E("2026-12-04 00:30:01.000 UTC [200] [unknown]@[unknown] LOG:  connection received: host=127.0.0.1 port=5001"),
            E("2026-12-04 00:30:01.001 UTC [200] postgres@tovplay_logs LOG:  connection authorized: user=postgres database=tovplay_logs"),
            E("2026-12-04 00:30:01.002 UTC [100] postgres@tovplay_sandbox LOG:  connection authorized: user=postgres database=tovplay_sandbox application_name=psql"),
            E("2026-12-04 00:30:01.003 UTC [77] LOG:  checkpoint starting: time"),
            E("2026-12-04 00:30:09.000 UTC [100] postgres@tovplay_sandbox LOG:  disconnection: session time: 0:00:08.000 user=postgres database=tovplay_sandbox host=::1 port=5000"),
        }.SelectMany(filter.Accept).Select(e => (e.Pid, e.Message[..e.Message.IndexOf(':')])).ToList();

        Assert.Equal([(100, "connection received"), (100, "connection authorized"), (100, "disconnection")], kept);
    }

    [Fact]
    public void Continued_JoinsTheRestOfAMultiLineStatement()
    {
        var entry = ServerLogEntry.TryParse("2026-12-04 00:30:01.000 UTC [5] a@b LOG:  statement: DROP TABLE")!.Continued("\tfriendships;");

        Assert.Equal("2026-12-04 00:30:01.000 UTC [5] a@b LOG:  statement: DROP TABLE\n\tfriendships;", entry.Text);
    }

    [Theory]
    [InlineData("2026-12-04 00:30:01.123 UTC [4242] user=dev_rowan,db=tovplay,app=psql,client=203.0.113.5 ERROR:  permission denied for table users", "203.0.113.5", "psql")]
    [InlineData("2026-12-04 00:30:01.123 UTC [4242]: user=dev_rowan,db=tovplay,app=psql,client=203.0.113.5 ERROR:  permission denied for table users", "203.0.113.5", "psql")]
    [InlineData("2026-12-04 00:30:01.123 UTC [4242-3] dev_rowan@tovplay 203.0.113.5(51234) ERROR:  permission denied for table users", null, null)]
    [InlineData("2026-12-04 00:30:01 UTC [4242] h=[local] dev_rowan@tovplay ERROR:  permission denied for table users", null, null)]
    public void TryParse_OtherCommonPrefixes_ReadTheSameUserAndDatabase_AndTheAddressAndProgramWhenNamed(string line, string? host, string? application)
    {
        var entry = ServerLogEntry.TryParse(line);

        Assert.NotNull(entry);
        Assert.Equal((4242, "dev_rowan", "tovplay", "ERROR", "permission denied for table users"), (entry.Pid, entry.User, entry.Database, entry.Severity, entry.Message));
        Assert.Equal((host, application), (entry.Host, entry.Application));
    }

    /// <summary>The lines as a store holds them: each at its entry's time, a continuation line at the time of the line before.</summary>
    private static IReadOnlyList<ServerLogLine> Log(params string[] lines)
    {
        var at = DateTimeOffset.UnixEpoch;
        return ServerLogLine.Read([.. lines.Select(l => (at = ServerLogEntry.TryParse(l)?.At ?? at, l))]);
    }

    [Fact]
    public void Session_IsThePidsLinesBetweenItsDisconnections_WithWhereItCameFromAndItsProgram()
    {
        var log = Log(
            "2026-12-04 00:10:00.000 UTC [300] [unknown]@[unknown] LOG:  connection received: host=10.0.0.9 port=4000",
            "2026-12-04 00:10:00.001 UTC [300] app@tovplay LOG:  connection authorized: user=app database=tovplay application_name=tovplay-backend",
            "2026-12-04 00:11:00.000 UTC [300] app@tovplay LOG:  disconnection: session time: 0:01:00.000 user=app database=tovplay host=10.0.0.9 port=4000",
            "2026-12-04 00:30:00.000 UTC [300] [unknown]@[unknown] LOG:  connection received: host=203.0.113.5 port=51234",
            "2026-12-04 00:30:00.004 UTC [300] dev_rowan@tovplay LOG:  connection authorized: user=dev_rowan database=tovplay application_name=DBeaver 24.2.5 - Main SSL enabled (protocol=TLSv1.3)",
            "2026-12-04 00:30:05.000 UTC [300] dev_rowan@tovplay ERROR:  permission denied for table users",
            "2026-12-04 00:30:05.000 UTC [300] dev_rowan@tovplay STATEMENT:  DELETE FROM users",
            "2026-12-04 00:31:00.000 UTC [300] dev_rowan@tovplay LOG:  disconnection: session time: 0:01:00.000 user=dev_rowan database=tovplay host=203.0.113.5 port=51234");

        var session = DatabaseSession.At(log, 300, new DateTimeOffset(2026, 12, 4, 0, 30, 5, TimeSpan.Zero));

        Assert.NotNull(session);
        Assert.Equal(("203.0.113.5", 51234, "dev_rowan", "tovplay", "DBeaver 24.2.5 - Main"), (session.Address, session.Port, session.User, session.Database, session.Application));
        Assert.Equal((new DateTimeOffset(2026, 12, 4, 0, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 4, 0, 31, 0, TimeSpan.Zero)), (session.ConnectedAt, session.EndedAt));
        Assert.Equal(5, session.Lines.Count);
        Assert.Null(DatabaseSession.At(log, 301, new DateTimeOffset(2026, 12, 4, 0, 30, 5, TimeSpan.Zero)));
    }

    [Fact]
    public void Attempts_AreRefusedDestructiveStatements_WithTheirStatement_RefusedSignIns_AndDestructiveStatementsLoggedAsRun()
    {
        var log = Log(
            "2026-12-04 00:30:05.000 UTC [300] dev_rowan@tovplay ERROR:  permission denied for table users",
            "2026-12-04 00:30:05.000 UTC [300] dev_rowan@tovplay STATEMENT:  DELETE FROM users",
            "\tWHERE created_at < now();",
            "2026-12-04 00:30:06.000 UTC [301] app@tovplay ERROR:  duplicate key value violates unique constraint \"lobbies_pkey\"",
            "2026-12-04 00:30:06.000 UTC [301] app@tovplay DETAIL:  Key (id)=(7) already exists.",
            "2026-12-04 00:30:06.000 UTC [301] app@tovplay STATEMENT:  INSERT INTO lobbies VALUES (7)",
            "2026-12-04 00:30:07.000 UTC [302] mallory@tovplay FATAL:  password authentication failed for user \"mallory\"",
            "2026-12-04 00:30:08.000 UTC [303] dev_rowan@tovplay LOG:  statement: DROP TABLE IF EXISTS public.\"Friendships\"",
            "2026-12-04 00:30:09.000 UTC [304] dev_rowan@tovplay ERROR:  must be owner of table games");

        var attempts = ServerAttempts.Find(log);

        Assert.Equal(
            [
                (AttemptKind.Refused, 300, "dev_rowan", "DELETE", "users", "DELETE FROM users\n\tWHERE created_at < now();"),
                (AttemptKind.SignInRefused, 302, "mallory", null, null, null),
                (AttemptKind.Ran, 303, "dev_rowan", "DROP TABLE", "public.Friendships", "DROP TABLE IF EXISTS public.\"Friendships\""),
                (AttemptKind.Refused, 304, "dev_rowan", null, "games", null),
            ],
            attempts.Select(a => (a.Kind, a.Pid, a.User, a.Verb, a.Target, a.Statement)));
        Assert.Equal("permission denied for table users", attempts[0].Message);
        Assert.Equal(2, attempts[0].Lines.Count);
    }

    [Theory]
    [InlineData("  -- tidy up\n/* ticket 12 */ delete from \"Users\" where true", "DELETE", "Users")]
    [InlineData("TRUNCATE TABLE ONLY games CASCADE", "TRUNCATE", "games")]
    [InlineData("update users set balance_cents = 0", "UPDATE", "users")]
    [InlineData("ALTER TABLE users DROP COLUMN email", "ALTER TABLE", "users")]
    [InlineData("SELECT * FROM users", null, null)]
    [InlineData("INSERT INTO users VALUES (1)", null, null)]
    public void StatementText_ReadsTheVerbAndTarget_PastLeadingComments(string sql, string? verb, string? target)
    {
        Assert.Equal((verb, target), (StatementText.Verb(sql), StatementText.Target(sql)));
    }

    [Fact]
    public void AnErrorAndItsStatement_AtOneMillisecond_ReadInTheOrderWritten_WhateverOrderTheStoreGaveThem()
    {
        var at = new DateTimeOffset(2026, 12, 4, 0, 30, 5, TimeSpan.Zero);
        var newestFirst = new[]
        {
            (at, "2026-12-04 00:30:05.000 UTC [300] ro@tovplay STATEMENT:  DELETE FROM users"),
            (at, "2026-12-04 00:30:05.000 UTC [300] ro@tovplay HINT:  ask the owner"),
            (at, "2026-12-04 00:30:05.000 UTC [300] ro@tovplay ERROR:  permission denied for table users"),
        };

        var log = ServerLogLine.Read(newestFirst);

        Assert.Equal(["ERROR", "HINT", "STATEMENT"], log.Select(l => l.Entry.Severity));
        Assert.Equal("DELETE FROM users", Assert.Single(ServerAttempts.Find(log)).Statement);
    }

    [Fact]
    public void AStatementStampedAMomentBeforeItsError_IsStillItsStatement()
    {
        var at = new DateTimeOffset(2026, 12, 4, 0, 30, 5, TimeSpan.Zero);
        var log = ServerLogLine.Read(
        [
            (at.AddMilliseconds(-1), "2026-12-04 00:30:05.000 UTC [300] ro@tovplay STATEMENT:  DELETE FROM users"),
            (at, "2026-12-04 00:30:05.000 UTC [301] app@tovplay LOG:  disconnection: session time: 0:00:01.000"),
            (at, "2026-12-04 00:30:05.000 UTC [300] ro@tovplay ERROR:  permission denied for table users"),
        ]);

        Assert.Equal("DELETE FROM users", Assert.Single(ServerAttempts.Find(log)).Statement);
    }

    [Fact]
    public void TheStatementLoggedAsRun_AtTheErrorsMillisecond_ComingAfterItFromAnotherStream_DoesNotHideItsStatement()
    {
        // log_statement's LOG line and the ERROR share a millisecond; a store that gives streams one after another (the
        // ERROR's before the LOG's) puts the LOG between the ERROR and its STATEMENT.
        var at = new DateTimeOffset(2026, 12, 4, 0, 30, 5, TimeSpan.Zero);
        var log = ServerLogLine.Read(
        [
            (at, "2026-12-04 00:30:05.000 UTC [300] ro@tovplay ERROR:  permission denied for table users"),
            (at, "2026-12-04 00:30:05.000 UTC [300] ro@tovplay LOG:  statement: DELETE FROM users"),
            (at, "2026-12-04 00:30:05.000 UTC [300] ro@tovplay STATEMENT:  DELETE FROM users"),
        ]);

        var refused = Assert.Single(ServerAttempts.Find(log), a => a.Kind == AttemptKind.Refused);

        Assert.Equal("DELETE FROM users", refused.Statement);
        Assert.Equal("DELETE", refused.Verb);
    }

    [Fact]
    public void ALaterLineOfTheBackend_StillEndsTheErrorsSearchForItsStatement()
    {
        var at = new DateTimeOffset(2026, 12, 4, 0, 30, 5, TimeSpan.Zero);
        var log = ServerLogLine.Read(
        [
            (at, "2026-12-04 00:30:05.000 UTC [300] ro@tovplay ERROR:  permission denied for table users"),
            (at.AddMilliseconds(2), "2026-12-04 00:30:05.002 UTC [300] ro@tovplay LOG:  disconnection: session time: 0:00:01.000"),
            (at.AddMilliseconds(3), "2026-12-04 00:30:05.003 UTC [300] ro@tovplay STATEMENT:  DELETE FROM games"),
        ]);

        Assert.Null(Assert.Single(ServerAttempts.Find(log)).Statement);
    }
}
