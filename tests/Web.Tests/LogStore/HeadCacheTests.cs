using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.LogStore;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.LogStore;

/// <summary>Queries over the in-memory head, the database, and a range that spans both give the same answers.</summary>
public sealed class HeadCacheTests
{
    private const long Minute = 60_000_000_000;

    /// <summary>A database of its own: a head loads whatever the last minutes of its database hold.</summary>
    private static async Task<(TestDatabase Database, TestApp App, string Token)> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync("head_tests");
        var app = new TestApp(database.ConnectionString, settings);
        return (database, app, await app.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue));
    }

    [Fact]
    public async Task RangeAcrossHeadAndDatabase_ReadsBothInOrderWithoutRepeats()
    {
        // A head of ten minutes: older entries live only in the database.
        var (database, app, token) = await StartAsync(new Dictionary<string, string?> { ["LogStore:HeadWindow"] = "00:10:00" });
        await using var owned = database;
        await using var ownedApp = app;
        var head = app.Services.GetRequiredService<HeadCache>();
        await WaitLoadedAsync(head);
        using var client = new LokiPushClient(app, token);
        var run = Guid.NewGuid().ToString("N")[..12];
        var now = LokiPushClient.NowNs;
        var times = Enumerable.Range(0, 30).Select(i => now - (29 - i) * Minute).ToList();
        await client.PushAsync(new Dictionary<string, string> { ["job"] = "head", ["run"] = run }, [.. times.Select((t, i) => (t, $"line {i}"))]);
        var source = app.Services.GetRequiredService<ILogSource>();
        var ct = TestContext.Current.CancellationToken;

        Assert.True(head.CompleteFromNs > times[0] && head.CompleteFromNs < times[^1], "the range should span the head's boundary");
        var forward = await source.QueryRangeAsync(new RangeQueryRequest($"{{run=\"{run}\"}}", now - Hour, now + 1) { Limit = 1000, Direction = Direction.Forward }, ct);
        var backward = await source.QueryRangeAsync(new RangeQueryRequest($"{{run=\"{run}\"}}", now - Hour, now + 1) { Limit = 1000 }, ct);
        var newestFive = await source.QueryRangeAsync(new RangeQueryRequest($"{{run=\"{run}\"}}", now - Hour, now + 1) { Limit = 5 }, ct);
        var oldestFive = await source.QueryRangeAsync(new RangeQueryRequest($"{{run=\"{run}\"}}", now - Hour, now + 1) { Limit = 5, Direction = Direction.Forward }, ct);
        var count = await source.QueryInstantAsync(new InstantQueryRequest($"count_over_time({{run=\"{run}\"}}[1h])", now + 1), ct);

        Assert.Equal(times, forward.Streams.Single().Entries.Select(e => e.TimestampNs));
        Assert.Equal(times.AsEnumerable().Reverse(), backward.Streams.Single().Entries.Select(e => e.TimestampNs));
        Assert.Equal(times.TakeLast(5).Reverse(), newestFive.Streams.Single().Entries.Select(e => e.TimestampNs));
        Assert.Equal(times.Take(5), oldestFive.Streams.Single().Entries.Select(e => e.TimestampNs));
        Assert.Equal(30, count.Series.Single().Points.Single().Value);
    }

    [Fact]
    public async Task PushesThatInterleave_ReadFromTheHeadInTimeOrder_EqualTimesInTheOrderTheyCame()
    {
        var (database, app, token) = await StartAsync();
        await using var owned = database;
        await using var ownedApp = app;
        await WaitLoadedAsync(app.Services.GetRequiredService<HeadCache>());
        using var client = new LokiPushClient(app, token);
        var run = Guid.NewGuid().ToString("N")[..12];
        var labels = new Dictionary<string, string> { ["job"] = "head", ["run"] = run };
        var now = LokiPushClient.NowNs;

        // As pushers sharing a stream do: each push starts before the one before it ends.
        await client.PushAsync(labels, (now - 10, "a10"), (now - 6, "a6"), (now - 2, "a2"));
        await client.PushAsync(labels, (now - 8, "b8"), (now - 6, "b6"), (now - 1, "b1"));
        await client.PushAsync(labels, (now - 9, "c9"), (now - 2, "c2"));

        var read = await app.Services.GetRequiredService<ILogSource>().QueryRangeAsync(
            new RangeQueryRequest($"{{run=\"{run}\"}}", now - Minute, now + 1) { Limit = 100, Direction = Direction.Forward }, TestContext.Current.CancellationToken);
        Assert.Equal(["a10", "c9", "b8", "a6", "b6", "a2", "c2", "b1"], read.Streams.Single().Entries.Select(e => e.Line));
    }

    [Fact]
    public async Task AStreamOfManyEntries_ReadsFromTheHeadInOrderBothWays_AndItsJsonMetricCountsEachOnce()
    {
        // More entries than one block of a head snapshot (2,048) and one batch of parallel extraction: the copies
        // span blocks, and the metric is extracted on several threads.
        var (database, app, token) = await StartAsync();
        await using var owned = database;
        await using var ownedApp = app;
        await WaitLoadedAsync(app.Services.GetRequiredService<HeadCache>());
        using var client = new LokiPushClient(app, token);
        var run = Guid.NewGuid().ToString("N")[..12];
        var now = LokiPushClient.NowNs;
        var lines = Enumerable.Range(0, 7_000).Select(i => (Ts: now - Minute + i * 1_000_000L, Line: $"{{\"n\":{i},\"path\":\"/p{i % 3}\",\"ms\":{i % 100}}}")).ToList();
        foreach (var batch in lines.Chunk(1_000))
        {
            await client.PushAsync(new Dictionary<string, string> { ["job"] = "head", ["run"] = run }, batch);
        }

        var source = app.Services.GetRequiredService<ILogSource>();
        var ct = TestContext.Current.CancellationToken;
        var forward = await source.QueryRangeAsync(new RangeQueryRequest($"{{run=\"{run}\"}}", now - Hour, now + 1) { Limit = 5000, Direction = Direction.Forward }, ct);
        var backward = await source.QueryRangeAsync(new RangeQueryRequest($"{{run=\"{run}\"}}", now - Hour, now + 1) { Limit = 5000 }, ct);
        var sums = await source.QueryInstantAsync(new InstantQueryRequest($"sum by (path) (sum_over_time({{run=\"{run}\"}} | json | unwrap ms [1h]))", now + 1), ct);

        Assert.Equal(lines.Take(5000).Select(l => l.Line), forward.Streams.Single().Entries.Select(e => e.Line));
        Assert.Equal(lines.AsEnumerable().Reverse().Take(5000).Select(l => l.Line), backward.Streams.Single().Entries.Select(e => e.Line));
        Assert.Equal(
            Enumerable.Range(0, 3).ToDictionary(p => $"/p{p}", p => (double)Enumerable.Range(0, 7_000).Where(i => i % 3 == p).Sum(i => i % 100)),
            sums.Series.ToDictionary(s => s.Labels["path"]!, s => s.Points.Single().Value));
    }

    [Fact]
    public async Task ARangeTheHeadHoldsWhole_IsOfferedAsTheUtf8ItKeeps_AndARangeReachingPastIt_JoinsTheChunksBytesToIt()
    {
        var (database, app, token) = await StartAsync();
        await using var owned = database;
        await using var ownedApp = app;
        var head = app.Services.GetRequiredService<HeadCache>();
        await WaitLoadedAsync(head);
        using var client = new LokiPushClient(app, token);
        var run = Guid.NewGuid().ToString("N")[..12];
        var now = LokiPushClient.NowNs;
        var beforeHead = head.CompleteFromNs - (10 * Minute);
        await client.PushAsync(new Dictionary<string, string> { ["job"] = "head", ["run"] = run }, (beforeHead, "ancien ☃ avant la tête"), (now - 2 * Minute, "{\"path\":\"/été\"}"), (now - Minute, "日本語の行"));
        var streams = app.Services.GetRequiredService<StreamRegistry>();
        await streams.RefreshAsync(TestContext.Current.CancellationToken);
        using var reader = new StoreReader(app.Services.GetRequiredService<LogStoreDatabase>(), streams, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken, head);
        var selector = Assert.IsType<TovPlay.Logs.Domain.LogQL.Ast.LogQueryExpr>(TovPlay.Logs.Domain.LogQL.LogQLQuery.Parse($"{{run=\"{run}\"}}")).Selector;
        static IEnumerable<(long, string)> Bytes(StreamSlice slice) => slice.Utf8Entries!.Select(e => (e.TimestampNs, System.Text.Encoding.UTF8.GetString(e.Line.Span)));
        static IEnumerable<(long, string)> Text(StreamSlice slice) => slice.Entries.Select(e => (e.TimestampNs, e.Line));

        var held = Assert.Single(reader.Select(new LogSelection(selector, head.CompleteFromNs, now + 1, Direction.Backward)));
        var pastItForward = Assert.Single(reader.Select(new LogSelection(selector, head.CompleteFromNs - Hour, now + 1, Direction.Forward)));
        var pastItBackward = Assert.Single(reader.Select(new LogSelection(selector, head.CompleteFromNs - Hour, now + 1, Direction.Backward)));

        Assert.Equal([(now - Minute, "日本語の行"), (now - 2 * Minute, "{\"path\":\"/été\"}")], Bytes(held));
        (long, string)[] all = [(beforeHead, "ancien ☃ avant la tête"), (now - 2 * Minute, "{\"path\":\"/été\"}"), (now - Minute, "日本語の行")];
        Assert.Equal(all, Bytes(pastItForward));
        Assert.Equal(all, Text(pastItForward));
        Assert.Equal(all.Reverse(), Bytes(pastItBackward));
        Assert.Equal(all.Reverse(), Text(pastItBackward));
    }

    [Fact]
    public async Task NewInstance_LoadsItsHeadFromTheDatabase()
    {
        var (database, first, token) = await StartAsync();
        await using var owned = database;
        var run = Guid.NewGuid().ToString("N")[..12];
        var now = LokiPushClient.NowNs;
        await using (first)
        {
            using var client = new LokiPushClient(first, token);
            await client.PushAsync(new Dictionary<string, string> { ["job"] = "head", ["run"] = run }, (now - 2 * Minute, "written before the start"), (now - Minute, "also before"));
        }

        await using var app = new TestApp(database.ConnectionString);
        var head = app.Services.GetRequiredService<HeadCache>();
        await WaitLoadedAsync(head);
        var response = await app.Services.GetRequiredService<ILogSource>().QueryRangeAsync(
            new RangeQueryRequest($"{{run=\"{run}\"}}", now - Hour, now + 1) { Limit = 10 }, TestContext.Current.CancellationToken);

        Assert.True(head.CompleteFromNs < now - 2 * Minute);
        Assert.Equal(["also before", "written before the start"], response.Streams.Single().Entries.Select(e => e.Line));
        Assert.Equal(0, response.Statistics.BytesProcessed); // nothing was read from the database
    }

    [Fact]
    public async Task LineFilterWithLimit_FromTheHead_CountsOnlyMatchingLines()
    {
        var (database, app, token) = await StartAsync();
        await using var owned = database;
        await using var ownedApp = app;
        var head = app.Services.GetRequiredService<HeadCache>();
        await WaitLoadedAsync(head);
        using var client = new LokiPushClient(app, token);
        var run = Guid.NewGuid().ToString("N")[..12];
        var now = LokiPushClient.NowNs;
        // Every third line matches; the newest lines do not, so a cap taken before filtering would find none.
        var lines = Enumerable.Range(0, 30).Select(i => (Ts: now - (30 - i) * 1_000_000, Line: i % 3 == 0 && i < 25 ? $"match é {i}" : $"other {i}")).ToList();
        await client.PushAsync(new Dictionary<string, string> { ["job"] = "head", ["run"] = run }, [.. lines]);
        var source = app.Services.GetRequiredService<ILogSource>();
        var ct = TestContext.Current.CancellationToken;
        Assert.True(head.CompleteFromNs < lines[0].Ts, "the lines should all be in the head");

        var newest = await source.QueryRangeAsync(new RangeQueryRequest($"{{run=\"{run}\"}} |= \"match é\"", now - Hour, now + 1) { Limit = 3 }, ct);
        var oldest = await source.QueryRangeAsync(new RangeQueryRequest($"{{run=\"{run}\"}} != \"match\"", now - Hour, now + 1) { Limit = 2, Direction = Direction.Forward }, ct);
        var count = await source.QueryInstantAsync(new InstantQueryRequest($"count_over_time({{run=\"{run}\"}} |= \"match\" [1h])", now + 1), ct);

        Assert.Equal(["match é 24", "match é 21", "match é 18"], newest.Streams.Single().Entries.Select(e => e.Line));
        Assert.Equal(["other 1", "other 2"], oldest.Streams.Single().Entries.Select(e => e.Line));
        Assert.Equal(9, count.Series.Single().Points.Single().Value);
    }

    [Fact]
    public async Task EntriesEvictedWhileTheHeadLoads_AreNotClaimedByIt_SoAQueryReadsThemFromTheDatabase()
    {
        // The writer adds to the head while it still loads (an app's first pushes); when those outgrow the budget, the
        // oldest go, and the loaded head must not then claim the time they covered.
        var (database, app, _) = await StartAsync();
        await using var owned = database;
        await using var ownedApp = app;
        var ct = TestContext.Current.CancellationToken;
        var head = new HeadCache(app.Services.GetRequiredService<LogStoreDatabase>(),
            Microsoft.Extensions.Options.Options.Create(new LogStoreOptions { HeadMegabytes = 1 }), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<HeadCache>.Instance);
        var now = LokiPushClient.NowNs;
        var line = new string('x', 1000);
        var added = Enumerable.Range(0, 2_000).Select(i => (StreamId: 1L, Entry: new Domain.Logs.LogEntry(now - Minute * 10 + (i * 300_000_000L), $"{i} {line}"))).ToList();
        head.Add([(1L, added.Select(a => Domain.Logs.Utf8Entry.Of(a.Entry)).ToList())]);

        await head.LoadAsync(ct);

        var (kept, completeFrom) = head.Read(1, now - Hour, now + Minute);
        var keptTimes = kept.Entries(forward: true, withLines: false).Select(e => e.TimestampNs).ToList();
        Assert.True(keptTimes.Count < added.Count, "the budget should have evicted some");
        Assert.Equal(added.Select(a => a.Entry.TimestampNs).Where(t => t >= completeFrom), keptTimes);
    }

    private const long Hour = 60 * Minute;

    private static async Task WaitLoadedAsync(HeadCache head)
    {
        for (var i = 0; i < 100 && head.CompleteFromNs == long.MaxValue; i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.NotEqual(long.MaxValue, head.CompleteFromNs);
    }
}
