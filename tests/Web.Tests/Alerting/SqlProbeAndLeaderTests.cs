using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Web.Alerting;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Alerting;

/// <summary>
/// SQL probes on a real audited database (rows become series, nothing can be written, errors say where), a slow
/// Discord answer treated as a failure and retried, and leadership handed over when the leader's session dies
/// without a goodbye.
/// </summary>
public sealed class SqlProbeAndLeaderTests
{
    [Fact]
    public async Task ASqlProbe_TurnsRowsIntoSeries_FiresIntoDiscord_CannotWrite_AndSaysWhereItIsWrong()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var discord = await FakeDiscord.StartAsync();
        await using var database = await TestDatabase.CreateAsync("alert_sql_app");
        await using var audited = await TestDatabase.CreateAsync("alert_sql_target");
        await using (var connection = await audited.OpenAsync())
        await using (var create = new NpgsqlCommand("CREATE TABLE jobs (queue text, state text); INSERT INTO jobs VALUES ('mail', 'stuck'), ('mail', 'stuck'), ('push', 'stuck'), ('push', 'done')", connection))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        await using var app = AlertingApp.Start(database.ConnectionString, discord, new Dictionary<string, string?> { ["Audit:TargetConnection"] = audited.ConnectionString });
        await app.RouteToAsync(discord);
        var rule = new AlertRule
        {
            Name = "StuckJobs",
            Source = AlertDataSource.Sql,
            Query = "SELECT queue, count(*) AS value FROM jobs WHERE state = 'stuck' GROUP BY queue",
            Threshold = new AlertThreshold(AlertComparator.AtLeast, 2),
            Interval = TimeSpan.FromSeconds(1),
        };

        var samples = await app.WithAsync(sp => sp.GetRequiredService<RuleQueryRunner>().InstantAsync(rule, DateTimeOffset.UtcNow, ct));
        Assert.Equal([("{queue=\"mail\"}", 2d), ("{queue=\"push\"}", 1d)], samples.Select(s => (s.Labels.ToString(), s.Value)).OrderBy(s => s.Item1));

        await app.CreateRuleAsync(rule);
        var message = (await discord.WaitForAsync(d => d.Any(r => FakeDiscord.Title(r).StartsWith("[FIRING:1] StuckJobs", StringComparison.Ordinal)))).Last();
        Assert.Contains("queue = mail", message.Body.GetRawText(), StringComparison.Ordinal);

        async Task<string?> Problem(string sql) => (await app.WithAsync(sp => sp.GetRequiredService<AlertRuleStore>()
            .CheckAsync(rule with { Name = "Check", Query = sql }, AlertingApp.Admin, ct))).SingleOrDefault(p => p.Field == "Query")?.Message;

        Assert.Equal("line 2, column 14: column \"nope\" does not exist", await Problem("SELECT count(*) AS value\nFROM (SELECT nope FROM jobs) j"));
        Assert.Equal("A probe is one statement: remove the ';' and what follows.", await Problem("SELECT 1 AS value; DELETE FROM jobs"));
        Assert.Equal("A probe reads: it starts with SELECT or WITH, not DELETE.", await Problem("DELETE FROM jobs"));
        var written = await Assert.ThrowsAsync<RuleQueryException>(() => app.WithAsync(sp => sp.GetRequiredService<RuleQueryRunner>().InstantAsync(
            rule with { Query = "WITH gone AS (DELETE FROM jobs RETURNING 1) SELECT count(*) AS value FROM gone" }, DateTimeOffset.UtcNow, ct)));
        Assert.StartsWith("A probe may only read:", written.Message, StringComparison.Ordinal);
        var investigator = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "i"), new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Role, Domain.Security.AppRoles.Investigator)], "tests"));
        Assert.Equal("Only an Admin may write SQL probes.", Assert.Single(await app.WithAsync(sp => sp.GetRequiredService<AlertRuleStore>().CheckAsync(rule, investigator, ct))).Message);

        await using var connection2 = await audited.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM jobs", connection2);
        Assert.Equal(4L, await count.ExecuteScalarAsync(ct));
    }

    [Fact]
    public async Task ASlowDiscord_CountsAsAFailedAttempt_AndIsRetried_AndALeaderWhoseSessionDies_HandsOver()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var discord = await FakeDiscord.StartAsync();
        discord.Script.Enqueue(new DiscordReply.Slow(TimeSpan.FromSeconds(20)));
        await using var database = await TestDatabase.CreateAsync("alert_leader");
        var fast = new Dictionary<string, string?> { ["Alerting:DeliveryTimeout"] = "00:00:01" };
        await using var first = AlertingApp.Start(database.ConnectionString, discord, fast);
        await first.RouteToAsync(discord);
        await first.CreateRuleAsync(new AlertRule
        {
            Name = "AlwaysA", Source = AlertDataSource.Check, Query = AlertChecks.LogSourceDown, Threshold = new AlertThreshold(AlertComparator.AtLeast, 0),
            Interval = TimeSpan.FromSeconds(1),
        });

        await discord.WaitForAsync(d => d.Any(r => FakeDiscord.Title(r).StartsWith("[FIRING:1] AlwaysA", StringComparison.Ordinal)));

        // Discord has the message; the app records the answer a moment later. Wait for that state, not a time.
        (int Attempts, string? Error) recorded = default;
        var until = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await using var connection = await database.OpenAsync();
            await using var outbox = new NpgsqlCommand("SELECT attempts, last_error, sent_at IS NOT NULL FROM notification_outbox", connection);
            await using var reader = await outbox.ExecuteReaderAsync(ct);
            Assert.True(await reader.ReadAsync(ct));
            recorded = (reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1));
            if (reader.GetBoolean(2))
            {
                break;
            }

            await Task.Delay(50, ct);
        }
        while (DateTime.UtcNow < until);

        Assert.Equal((2, null), recorded);

        // A second instance waits; the leader's session is killed (as when its host dies): the second takes over.
        await using var second = AlertingApp.Start(database.ConnectionString, discord, fast);
        await using (var connection = await database.OpenAsync())
        await using (var kill = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tovplay-logs alerting leader'", connection))
        {
            Assert.Equal(1L, await kill.ExecuteScalarAsync(ct));
        }

        await second.CreateRuleAsync(new AlertRule
        {
            Name = "AlwaysB", Source = AlertDataSource.Check, Query = AlertChecks.LogSourceDown, Threshold = new AlertThreshold(AlertComparator.AtLeast, 0),
            Interval = TimeSpan.FromSeconds(1),
        });
        await discord.WaitForAsync(d => d.Any(r => FakeDiscord.Title(r).StartsWith("[FIRING:1] AlwaysB", StringComparison.Ordinal)));
        Assert.Single(discord.Delivered, r => FakeDiscord.Title(r).StartsWith("[FIRING:1] AlwaysA", StringComparison.Ordinal));
        Assert.Single(discord.Delivered, r => FakeDiscord.Title(r).StartsWith("[FIRING:1] AlwaysB", StringComparison.Ordinal));
    }
}
