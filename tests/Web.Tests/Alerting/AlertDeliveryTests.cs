using System.Text.Json;
using Npgsql;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Alerting;

/// <summary>
/// From a log line to Discord and back: a LogQL rule on the embedded store fires, the notification arrives at a fake
/// Discord with the matching lines and links, and resolves; Discord's 429 is waited out, failures are retried and
/// end in the dead letters, and each notification arrives exactly once across a restart and with two instances.
/// </summary>
public sealed class AlertDeliveryTests
{
    private static AlertRule BoomRule(string job) => new()
    {
        Name = "BoomErrors",
        Query = $"sum(count_over_time({{job=\"{job}\"}} |= \"boom\" [3s]))",
        Threshold = new AlertThreshold(AlertComparator.Above, 0),
        Interval = TimeSpan.FromSeconds(1),
        Labels = new Dictionary<string, string> { ["severity"] = "critical" },
        Annotations = new Dictionary<string, string>
        {
            ["summary"] = "{{ $value }} boom line(s) in 3s",
            ["scenario"] = "errors",
        },
    };

    private static async Task PushAsync(TestApp app, string job, string line)
    {
        using var push = new LokiPushClient(app, await app.CreateApiKeyAsync());
        await push.PushAsync(new Dictionary<string, string> { ["job"] = job }, (LokiPushClient.NowNs, line));
    }

    [Fact]
    public async Task ALogLine_FiresTheRule_TheMessageCarriesTheLineAndLinks_AndItResolves()
    {
        await using var discord = await FakeDiscord.StartAsync();
        await using var database = await TestDatabase.CreateAsync("alert_delivery");
        await using var app = AlertingApp.Start(database.ConnectionString, discord);
        await app.RouteToAsync(discord);
        var job = "tovplay-alert-" + Guid.NewGuid().ToString("N")[..8];
        await app.CreateRuleAsync(BoomRule(job));

        await PushAsync(app.App, job, "{\"level\":\"error\",\"msg\":\"boom at /api/games\"}");

        var firing = (await discord.WaitForAsync(d => d.Count >= 1))[0];
        var embed = firing.Body.GetProperty("embeds")[0];
        Assert.Equal("[FIRING:1] BoomErrors (critical)", embed.GetProperty("title").GetString());
        Assert.Equal(DiscordMessage.Critical, embed.GetProperty("color").GetInt32());
        Assert.Equal("TovPlay alerts", firing.Body.GetProperty("username").GetString());
        Assert.Equal("?wait=true", firing.Query);
        var fields = embed.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("value").GetString()!);
        Assert.Contains("**Matching log lines**\n```\n{\"level\":\"error\",\"msg\":\"boom at /api/games\"}\n```", embed.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("1\n", fields["Value"], StringComparison.Ordinal);
        Assert.Contains("[Search](https://app.tovplay.org/logs/search?query=", fields["Value"], StringComparison.Ordinal);
        Assert.Contains("[Investigate](https://app.tovplay.org/logs/investigate/errors?around=", fields["Value"], StringComparison.Ordinal);
        Assert.StartsWith("https://app.tovplay.org/logs/search?query=sum%28count_over_time%28", embed.GetProperty("url").GetString(), StringComparison.Ordinal);

        // Three seconds after the line the window is empty: no data is Normal for this rule, so it resolves.
        var resolved = (await discord.WaitForAsync(d => d.Count >= 2))[1];
        Assert.Equal("[RESOLVED] BoomErrors (critical)", FakeDiscord.Title(resolved));
        Assert.Equal(DiscordMessage.Resolved, FakeDiscord.Color(resolved));
        Assert.Equal(2, discord.Delivered.Count);

        // It fires again: its group is a new one, and its message must not be taken for the first one's.
        await PushAsync(app.App, job, "{\"level\":\"error\",\"msg\":\"boom again\"}");
        var again = (await discord.WaitForAsync(d => d.Count >= 3))[2];
        Assert.Equal("[FIRING:1] BoomErrors (critical)", FakeDiscord.Title(again));
        Assert.Contains("boom again", again.Body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiscordsRateLimit_IsWaitedOut_AndServerErrorsAreRetried_WithoutSendingTwice()
    {
        await using var discord = await FakeDiscord.StartAsync();
        discord.Script.Enqueue(new DiscordReply.RateLimited(1.5));
        discord.Script.Enqueue(new DiscordReply.ServerError(502));
        await using var database = await TestDatabase.CreateAsync("alert_retry");
        await using var app = AlertingApp.Start(database.ConnectionString, discord);
        await app.RouteToAsync(discord);
        var job = "tovplay-alert-" + Guid.NewGuid().ToString("N")[..8];
        await app.CreateRuleAsync(BoomRule(job) with { Query = $"sum(count_over_time({{job=\"{job}\"}} |= \"boom\" [1m]))" });

        await PushAsync(app.App, job, "boom");

        await discord.WaitForAsync(d => d.Count >= 1);
        var requests = discord.Requests.ToList();
        Assert.Equal([429, 502, 200], requests.Take(3).Select(r => r.Status));
        // The retry waited what Discord asked (retry_after 1.5 s), not the usual backoff.
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromSeconds(1.4), $"retried after {(requests[1].At - requests[0].At).TotalSeconds:0.00} s");
        Assert.Equal(requests[0].Body.GetRawText(), requests[2].Body.GetRawText());

        // The app records the delivery once Discord's answer is back, which is after the fake counted the request:
        // wait for that record, not for a time (a clean-clone run read the row in between: 2 attempts, not sent, 502).
        await using var connection = await database.OpenAsync();
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(30));
        List<(int Attempts, bool Sent, int Status)> rows;
        while (true)
        {
            rows = [];
            await using (var command = new NpgsqlCommand("SELECT attempts, sent_at IS NOT NULL, last_status FROM notification_outbox", connection))
            await using (var reader = await command.ExecuteReaderAsync(bound.Token))
            {
                while (await reader.ReadAsync(bound.Token))
                {
                    rows.Add((reader.GetInt32(0), reader.GetBoolean(1), reader.GetInt32(2)));
                }
            }

            if (rows.Any(r => r.Sent))
            {
                break;
            }

            await Task.Delay(50, bound.Token);
        }

        // The 429 did not count as a failed attempt: one failure (502), one success.
        Assert.Equal([(2, true, 200)], rows);
    }

    [Fact]
    public async Task AWebhookThatKeepsFailing_EndsInTheDeadLetters_AndTheDeliveryCheckSeesIt()
    {
        await using var discord = await FakeDiscord.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            discord.Script.Enqueue(new DiscordReply.ServerError());
        }

        await using var database = await TestDatabase.CreateAsync("alert_dead");
        await using var app = AlertingApp.Start(database.ConnectionString, discord, new Dictionary<string, string?> { ["Alerting:MaxDeliveryAttempts"] = "3" });
        await app.RouteToAsync(discord);
        var job = "tovplay-alert-" + Guid.NewGuid().ToString("N")[..8];
        await app.CreateRuleAsync(BoomRule(job) with { Query = $"sum(count_over_time({{job=\"{job}\"}} |= \"boom\" [1m]))" });
        await app.CreateRuleAsync(new AlertRule
        {
            Name = "DeliveryFailing",
            Source = AlertDataSource.Check,
            Query = AlertChecks.DeliveryFailing,
            Threshold = new AlertThreshold(AlertComparator.Above, 0),
            Interval = TimeSpan.FromSeconds(1),
        });

        await PushAsync(app.App, job, "boom");

        // After three failures the message is dead; the delivery check fires, and its own notification gets through.
        var delivered = await discord.WaitForAsync(d => d.Any(r => FakeDiscord.Title(r).Contains("DeliveryFailing", StringComparison.Ordinal)));
        Assert.DoesNotContain(delivered, r => FakeDiscord.Title(r).Contains("BoomErrors", StringComparison.Ordinal));
        Assert.Equal(3, discord.Requests.Count(r => r.Status == 500));
        await using var connection = await database.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT last_error FROM notification_outbox WHERE dead_at IS NOT NULL", connection);
        Assert.StartsWith("Failed 3 times", (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APendingOutbox_IsDeliveredOnceAfterARestart_AndTwoInstancesDeliverEachMessageOnce()
    {
        await using var discord = await FakeDiscord.StartAsync();
        await using var database = await TestDatabase.CreateAsync("alert_once");
        var job = "tovplay-alert-" + Guid.NewGuid().ToString("N")[..8];
        // The first instance queues the message while Discord fails, and stops before it got through.
        for (var i = 0; i < 100; i++)
        {
            discord.Script.Enqueue(new DiscordReply.ServerError(503));
        }

        await using (var first = AlertingApp.Start(database.ConnectionString, discord))
        {
            await first.RouteToAsync(discord);
            await first.CreateRuleAsync(BoomRule(job) with { Query = $"sum(count_over_time({{job=\"{job}\"}} |= \"boom\" [10m]))" });
            await PushAsync(first.App, job, "boom");
            await WaitForAsync(database, "SELECT count(*) FROM notification_outbox WHERE attempts >= 1 AND sent_at IS NULL");
        }

        discord.Script.Clear();

        // Two instances now share the database: one leads, and the message goes out once.
        await using var second = AlertingApp.Start(database.ConnectionString, discord);
        await using var third = AlertingApp.Start(database.ConnectionString, discord);
        await discord.WaitForAsync(d => d.Count >= 1);
        await WaitForAsync(database, "SELECT count(*) FROM notification_outbox WHERE sent_at IS NOT NULL");

        // A new alert while both run: also once.
        await PushAsync(second.App, job + "-b", "boom");
        await second.CreateRuleAsync(BoomRule(job + "-b") with { Name = "BoomB", Query = $"sum(count_over_time({{job=\"{job}-b\"}} |= \"boom\" [10m]))" });
        await discord.WaitForAsync(d => d.Any(r => FakeDiscord.Title(r).Contains("BoomB", StringComparison.Ordinal)));
        await WaitForAsync(database, "SELECT count(*) FROM notification_outbox WHERE sent_at IS NOT NULL HAVING count(*) >= 2");
        // A duplicate would come from the other instance's dispatcher on its next round (each second); give it three.
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);

        Assert.Single(discord.Delivered, r => FakeDiscord.Title(r) == "[FIRING:1] BoomErrors (critical)");
        Assert.Single(discord.Delivered, r => FakeDiscord.Title(r) == "[FIRING:1] BoomB (critical)");
    }

    private static async Task WaitForAsync(TestDatabase database, string countSql)
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            await using var connection = await database.OpenAsync();
            await using var command = new NpgsqlCommand(countSql, connection);
            if ((long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))! > 0)
            {
                return;
            }

            Assert.True(DateTimeOffset.UtcNow < until, $"never true: {countSql}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
