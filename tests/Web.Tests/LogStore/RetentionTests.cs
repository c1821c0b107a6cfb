using TovPlay.Logs.Web.LogStore;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.LogStore;

/// <summary>Retention drops whole days past the longest retention and deletes a job's entries past its own.</summary>
public sealed class RetentionTests(WebAppFixture fixture)
{
    private const long Day = 86_400_000_000_000;

    [Fact]
    public async Task RunOnce_DropsOldDaysAndAppliesAShorterRetentionPerJob()
    {
        await using var app = new TestApp(fixture.Database.ConnectionString, new Dictionary<string, string?>
        {
            ["LogStore:Retention"] = "3.00:00:00",
            ["LogStore:RetentionByJob:retention-short"] = "12:00:00",
        });
        using var client = new LokiPushClient(app, await fixture.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue));
        var run = Guid.NewGuid().ToString("N")[..12];
        var now = LokiPushClient.NowNs;
        await client.PushAsync(new Dictionary<string, string> { ["job"] = "retention-long", ["run"] = run }, (now - 5 * Day, "five days old"), (now - Day, "one day old, long job"), (now, "fresh, long job"));
        await client.PushAsync(new Dictionary<string, string> { ["job"] = "retention-short", ["run"] = run }, (now - Day, "one day old, short job"), (now, "fresh, short job"));
        var fiveDaysAgo = Partitions.DayOf(now - 5 * Day);

        // The app's own maintenance may run its first pass at any moment too; the end state is what counts.
        await app.Services.GetRequiredService<LogStoreMaintenance>().RunOnceAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["fresh, long job", "fresh, short job", "one day old, long job"], (await StoredLines.OfRunAsync(fixture.Database, run)).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(fiveDaysAgo, await app.Services.GetRequiredService<Partitions>().ListAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AJobsRetentionThatCutsThroughAChunk_KeepsTheChunksNewerLines()
    {
        // Two lines of one push, so of one chunk, on the same day, with the job's retention falling between them.
        var now = LokiPushClient.NowNs;
        var older = Math.Max(now - (now % Day), now - 3_600_000_000_000);
        var newer = now - 1_000_000;
        var retention = TimeSpan.FromTicks((now - ((older + newer) / 2)) / 100);
        await using var app = new TestApp(fixture.Database.ConnectionString, new Dictionary<string, string?>
        {
            ["LogStore:RetentionByJob:retention-cut"] = retention.ToString("c"),
        });
        using var client = new LokiPushClient(app, await fixture.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue));
        var run = Guid.NewGuid().ToString("N")[..12];
        await client.PushAsync(new Dictionary<string, string> { ["job"] = "retention-cut", ["run"] = run }, (older, "older than the job keeps"), (newer, "newer, kept"));

        await app.Services.GetRequiredService<LogStoreMaintenance>().RunOnceAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["newer, kept"], await StoredLines.OfRunAsync(fixture.Database, run));
    }

    [Fact]
    public async Task DayDroppedByAnotherInstancesRetention_IsCreatedAgainOnTheNextPush()
    {
        await using var database = await TestDatabase.CreateAsync("partition_race");
        await using var writer = new TestApp(database.ConnectionString);
        await using var cleaner = new TestApp(database.ConnectionString, new Dictionary<string, string?> { ["LogStore:Retention"] = "2.00:00:00" });
        using var client = new LokiPushClient(writer, await writer.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue));
        var labels = new Dictionary<string, string> { ["job"] = "partition-race", ["run"] = Guid.NewGuid().ToString("N")[..12] };
        var old = LokiPushClient.NowNs - 4 * Day;
        await client.PushAsync(labels, (old, "before the day was dropped"));

        await cleaner.Services.GetRequiredService<LogStoreMaintenance>().RunOnceAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain(Partitions.DayOf(old), await cleaner.Services.GetRequiredService<Partitions>().ListAsync(TestContext.Current.CancellationToken));
        // The writer still believes the day's partition exists; its push must not fail for that.
        await client.PushAsync(labels, (old + 1, "after the day was dropped"));

        Assert.Equal(["after the day was dropped"], await StoredLines.OfRunAsync(database, labels["run"]));
    }

    /// <summary>Makes the run's streams look as if they were created long ago (retirement spares young streams).</summary>
    private static async Task AgeStreamsAsync(TestDatabase database, string run)
    {
        await using var connection = await database.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("UPDATE logstore.streams SET created_at = now() - interval '10 days' WHERE labels LIKE '%' || @run || '%'", connection);
        command.Parameters.AddWithValue("run", run);
        Assert.True(await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken) > 0);
    }

    [Fact]
    public async Task AStreamWithoutEntriesOnAnyKeptDay_IsRetired_AndAPushToItLaterCreatesItAnew()
    {
        await using var database = await TestDatabase.CreateAsync("stream_retirement");
        await using var app = new TestApp(database.ConnectionString, new Dictionary<string, string?> { ["LogStore:Retention"] = "2.00:00:00" });
        using var client = new LokiPushClient(app, await app.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue));
        var run = Guid.NewGuid().ToString("N")[..12];
        var now = LokiPushClient.NowNs;
        await client.PushAsync(new Dictionary<string, string> { ["job"] = "gone", ["run"] = run }, (now - 4 * Day, "only an old line"));
        await client.PushAsync(new Dictionary<string, string> { ["job"] = "kept", ["run"] = run }, (now, "a fresh line"));
        await AgeStreamsAsync(database, run);
        var registry = app.Services.GetRequiredService<StreamRegistry>();
        var before = registry.All.Count;

        await app.Services.GetRequiredService<LogStoreMaintenance>().RunOnceAsync(TestContext.Current.CancellationToken);

        Assert.Equal(before - 1, registry.All.Count);
        Assert.DoesNotContain(registry.All, s => s.Job == "gone");
        var series = await client.GetJsonAsync($"series?match[]={LokiPushClient.Q($"{{run=\"{run}\"}}")}&start={now - 6 * Day}&end={now + 1}");
        Assert.Equal(["kept"], series.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("job").GetString()));

        await client.PushAsync(new Dictionary<string, string> { ["job"] = "gone", ["run"] = run }, (now, "back again"));
        Assert.Equal(["a fresh line", "back again"], (await StoredLines.OfRunAsync(database, run)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AStreamRetiredByAnotherInstance_FailsOnePushWithRetry_AndTheRetryLands()
    {
        await using var database = await TestDatabase.CreateAsync("retired_elsewhere");
        await using var writer = new TestApp(database.ConnectionString);
        await using var cleaner = new TestApp(database.ConnectionString, new Dictionary<string, string?> { ["LogStore:Retention"] = "2.00:00:00" });
        using var client = new LokiPushClient(writer, await writer.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue));
        var labels = new Dictionary<string, string> { ["job"] = "retired-elsewhere", ["run"] = Guid.NewGuid().ToString("N")[..12] };
        await client.PushAsync(labels, (LokiPushClient.NowNs - 4 * Day, "an old line"));
        await AgeStreamsAsync(database, labels["run"]);
        await cleaner.Services.GetRequiredService<LogStoreMaintenance>().RunOnceAsync(TestContext.Current.CancellationToken);

        // The writer still knows the stream: its next push is told to retry, and the retry creates the stream anew.
        using var first = await client.PushJsonAsync(LokiPushClient.PushBody(labels, (LokiPushClient.NowNs, "after retirement")));
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.NotNull(first.Headers.RetryAfter);
        await client.PushAsync(labels, (LokiPushClient.NowNs, "after retirement"));

        Assert.Equal(["after retirement"], await StoredLines.OfRunAsync(database, labels["run"]));
    }
}
