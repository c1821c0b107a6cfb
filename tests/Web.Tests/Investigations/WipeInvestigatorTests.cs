using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Push;
using TovPlay.Logs.Web.Investigations;
using TovPlay.Logs.Web.LogStore;
using TovPlay.Logs.Web.Tests.Audit;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Investigations;

/// <summary>The wiped-table investigation over a real audited database and the app's embedded log store.</summary>
public sealed class WipeInvestigatorTests(WebAppFixture fixture) : IAsyncLifetime
{
    private readonly TovPlayDatabase _db = new();
    private TestApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.Installer.InstallAsync(await _db.Installer.TablesAsync(Ct), Ct);
        _app = _db.StartApp(fixture.Database.ConnectionString, ("Investigations:DatabaseRoles:0", _db.AppRole), ("Investigations:AppServerAddresses:0", "127.0.0.1"));
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, """
            INSERT INTO users (id, username) SELECT g, 'u' || g FROM generate_series(1, 30) g;
            INSERT INTO games (id, owner_id, title) SELECT g, g, 'g' || g FROM generate_series(1, 30) g;
            """);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task PushAsync(string job, DateTimeOffset at, string line)
    {
        var writer = _app.Services.GetRequiredService<LogWriter>();
        var labels = LabelSet.From(("job", job), ("env", "test"), ("run", _db.Suffix));
        await writer.WriteAsync([PushStream.Of(labels, [new LogEntry((at - DateTimeOffset.UnixEpoch).Ticks * 100, line)])], Ct);
    }

    [Fact]
    public async Task ADeleteThroughTheApi_NamesTheUserTheRequestAndTheClick_AndTheCascade()
    {
        var correlation = "corr-" + _db.Suffix;
        var now = DateTimeOffset.UtcNow;
        await PushAsync("tovplay-frontend", now.AddMilliseconds(-300), $$"""{"level":"info","action":"click:delete-all","username":"mallory","correlation_id":"{{correlation}}"}""");
        await PushAsync("tovplay-backend", now.AddMilliseconds(-100), $$"""{"level":"info","method":"POST","path":"/api/users/purge","status":200,"username":"mallory","correlation_id":"{{correlation}}"}""");
        await using (var app = await _db.OpenAsAppAsync())
        {
            await _db.ExecuteAsync(app, $"""
                BEGIN;
                SET LOCAL application_name = 'tovplay-backend';
                SET LOCAL tovplay.username = 'mallory';
                SET LOCAL tovplay.user_id = '77';
                SET LOCAL tovplay.correlation_id = '{correlation}';
                DELETE FROM users WHERE id <= 20;
                COMMIT;
                """);
        }

        var (statements, result, prevent) = await _app.Services.GetRequiredService<WipeInvestigator>().InvestigateAsync("users", now.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1), Ct);

        // The cascade to games is part of the same transaction, so it is part of the answer.
        Assert.Equal(["users", "games"], statements.Select(s => s.Table));
        Assert.Equal(2, result.For(InvestigationStep.What).Count());
        Assert.Contains(result.For(InvestigationStep.Who), f => f.Statement == "Application user mallory (id 77)");
        // In context: the app's role is known at this address (the inserts before), mallory has no audited past.
        var who = result.For(InvestigationStep.Who).Select(f => f.Statement).ToList();
        Assert.Contains(who, w => w.StartsWith($"127.0.0.1 is a known address for the database role {_db.AppRole}: 2 change(s) from it since the audit trail began at ", StringComparison.Ordinal));
        Assert.Contains(who, w => w.StartsWith($"The database role {_db.AppRole} was last seen before the incident at ", StringComparison.Ordinal));
        // The trail was installed moments before: it holds too little to call anyone's first change a first appearance.
        Assert.Contains(who, w => w.StartsWith("The application user mallory made no audited change since the audit trail began at ", StringComparison.Ordinal)
            && w.EndsWith(": too little history to call it a first appearance", StringComparison.Ordinal));
        // The evidence is a query a reader can run again, values written in; it gives what the finding says.
        var queries = result.For(InvestigationStep.Who).SelectMany(f => f.Evidence).Where(e => e.Query.Contains("count(*) AS statements", StringComparison.Ordinal)).DistinctBy(e => e.Query).ToList();
        Assert.Equal(2, queries.Count);
        foreach (var evidence in queries)
        {
            var rows = await _db.QueryAsync(evidence.Query);
            Assert.Equal(evidence.Snapshot == "(no rows)" ? 0 : evidence.Snapshot.Split('\n').Length, rows.Count);
        }
        var why = result.For(InvestigationStep.Why).Select(f => f.Statement).ToList();
        Assert.StartsWith("The change came through the application", why[0]);
        Assert.Contains(why, w => w.StartsWith("Frontend at ", StringComparison.Ordinal) && w.EndsWith(": click:delete-all by mallory", StringComparison.Ordinal));
        Assert.Contains(why, w => w.EndsWith(": POST /api/users/purge (200) by mallory", StringComparison.Ordinal));
        Assert.All(result.Findings, f => Assert.Equal(FindingBasis.Direct, f.Basis));
        // Through the application with its own role: nothing to revoke, but a guard and an alert.
        Assert.DoesNotContain(prevent, r => r.Change.StartsWith("REVOKE", StringComparison.Ordinal));
        Assert.Contains(prevent, r => r.Title.StartsWith("Guard public.users", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATruncateFromPsql_IsAroundTheApp_WithNoRequestInvented()
    {
        var now = DateTimeOffset.UtcNow;
        await using (var admin = await _db.Database.OpenAsync())
        {
            await _db.ExecuteAsync(admin, "SET application_name = 'psql'; TRUNCATE games;");
        }

        var (statements, result, prevent) = await _app.Services.GetRequiredService<WipeInvestigator>().InvestigateAsync("games", now.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1), Ct);

        Assert.Equal(("TRUNCATE", 30L), (Assert.Single(statements).Action, statements[0].Rows));
        // The app's role inserted the rows: postgres never changed data here before.
        Assert.Contains(result.For(InvestigationStep.Who), f => f.Statement.StartsWith("The database role postgres made no audited change since the audit trail began at ", StringComparison.Ordinal));
        Assert.Equal(["The change did not come through the application: ", "The statement as sent: ", "Database role postgres is a superuser: "],
            result.For(InvestigationStep.Why).Select(f => f.Statement[..f.Statement.IndexOf(':')] + ": "));
        Assert.Equal("The statement as sent: TRUNCATE games", result.For(InvestigationStep.Why).ElementAt(1).Statement);
        Assert.Contains(result.Unknowns, u => u.What == "the request behind it");
        // The test cluster's postgres is a superuser: no REVOKE (it would bind nothing), but stop working as one.
        Assert.DoesNotContain(prevent, r => r.Change.StartsWith("REVOKE", StringComparison.Ordinal));
        Assert.Contains(prevent, r => r.Title == "Stop working as the superuser postgres");
        Assert.Contains(result.Unknowns, u => u.What == $"the session of backend pid {statements[0].BackendPid} in PostgreSQL's own log");

        // Once the server's log is shipped, the session tells how it came in.
        var pid = statements[0].BackendPid;
        await PushAsync("postgres", now.AddSeconds(-20), $"2026-11-27 10:00:00.000 UTC [{pid}] LOG:  connection authorized: user=postgres database=x application_name=psql");
        var (_, again, _) = await _app.Services.GetRequiredService<WipeInvestigator>().InvestigateAsync("games", now.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1), Ct);
        Assert.Contains(again.For(InvestigationStep.Why), f => f.Statement.EndsWith(": LOG:  connection authorized: user=postgres database=x application_name=psql", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AmongManySmallDeletes_TheLargeOneIsFollowed_AndTheRoutineOnesSummed()
    {
        var now = DateTimeOffset.UtcNow;
        await using (var app = await _db.OpenAsAppAsync())
        {
            foreach (var id in Enumerable.Range(1, 12))
            {
                await _db.ExecuteAsync(app, $"DELETE FROM games WHERE id = {id}");
            }

            await _db.ExecuteAsync(app, "DELETE FROM games WHERE id > 12");
        }

        var (statements, result, _) = await _app.Services.GetRequiredService<WipeInvestigator>().InvestigateAsync("games", now.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1), Ct);

        // One-row deletes beside an 18-row one are the traffic's routine: less than a tenth of the largest, summed up.
        Assert.Equal(18, Assert.Single(statements).Rows);
        var what = result.For(InvestigationStep.What).Select(f => f.Statement).ToList();
        Assert.StartsWith("DELETE on public.games removed 18 row(s)", what[0]);
        Assert.Contains("Also in the window: 12 smaller transaction(s) removing or overwriting 12 row(s) in all (the largest: DELETE on public.games, 1 row(s)); "
            + "followed above are the largest (at most 10, each at least a tenth of the largest)", what);
    }
}
