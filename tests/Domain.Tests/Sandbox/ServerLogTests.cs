using TovPlay.Logs.Domain.Sandbox;

namespace TovPlay.Logs.Domain.Tests.Sandbox;

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
}
