using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs.Search;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.LogSources.Loki;
using TovPlay.Logs.Web.Model.Search;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Model.Search;

/// <summary>The Search page's state against the embedded store (and a recorded Loki for its failures).</summary>
public sealed class SearchViewModelTests(WebAppFixture fixture)
{
    private const long Minute = 60_000_000_000L;

    private SearchViewModel NewModel() => new(fixture.App.Services.GetRequiredService<ILogSource>(), TimeProvider.System);

    /// <summary>30 lines of a fresh run, one a minute ending two minutes ago: every third an error, the rest info.</summary>
    private async Task<string> SeedAsync()
    {
        using var client = new LokiPushClient(fixture.App, await fixture.CreateApiKeyAsync());
        var run = Guid.NewGuid().ToString("N")[..12];
        var last = LokiPushClient.NowNs / Minute * Minute - 2 * Minute;
        foreach (var level in new[] { "info", "error" })
        {
            var entries = Enumerable.Range(0, 30).Where(i => (i % 3 == 0) == (level == "error"))
                .Select(i => (last - i * Minute, $$"""{"msg":"line {{i:D2}}","user":"u{{i % 2}}"}""")).ToArray();
            await client.PushAsync(new Dictionary<string, string> { ["job"] = "tovplay-backend", ["level"] = level, ["run"] = run }, entries);
        }

        return run;
    }

    [Fact]
    public void Apply_BadParts_AreNamedAndKeptAsWritten_AndTheRestIsTaken()
    {
        var model = NewModel();

        var changed = model.Apply(new SearchState("{job=\"api\"} |= ", "yesterday", "now", "forward", 9000, "user,,user,status"));

        Assert.True(changed);
        Assert.False(model.CanRun);
        Assert.Equal("{job=\"api\"} |= ", model.Editor.Draft);
        Assert.Equal("parse error at line 1, col 16: syntax error: unexpected $end, expecting STRING", model.Editor.QueryError);
        Assert.Equal("From: 'yesterday' is not a time. Use now, now-15m (s, m, h, d, w), Unix milliseconds, or 2026-11-27T10:30:00Z.", model.RangeError);
        Assert.Null(model.LongestRange);
        Assert.Equal("The address asks for 9,000 lines; a search shows 1 to 5,000 (export for more).", model.LimitError);
        Assert.Equal(Direction.Forward, model.Direction);
        Assert.Equal(["user", "status"], model.Columns);
        var address = model.State(direction: Direction.Backward);
        Assert.Equal(("{job=\"api\"} |= ", "yesterday", "now", 9000), (address.Query, address.From, address.To, address.Limit));
    }

    [Fact]
    public async Task LinesPushedAMomentAgo_AreInTheNewestBar_NotLeftOutOfTheChartBesideTheList()
    {
        using var client = new LokiPushClient(fixture.App, await fixture.CreateApiKeyAsync());
        var run = Guid.NewGuid().ToString("N")[..12];
        var now = LokiPushClient.NowNs;
        await client.PushAsync(new Dictionary<string, string> { ["job"] = "tovplay-backend", ["run"] = run }, (now - 2_000_000_000, "one"), (now - 1_000_000_000, "two"), (now, "three"));
        var model = NewModel();
        model.Apply(new SearchState($"{{run=\"{run}\"}}", "now-1h", "now", null, null, null));

        await model.RunAsync();

        Assert.Equal(3, model.Lines.Count);
        Assert.Equal(3, model.VolumeTotal);
        Assert.Equal(3, model.Volume.Single().Points[^1].Value + model.Volume.Single().Points[^2].Value);
    }

    [Fact]
    public async Task AnOlderRunAnsweringLate_NeverOverwritesTheNewerRunsLines()
    {
        var run = await SeedAsync();
        var gated = new LateFirstQuerySource(fixture.App.Services.GetRequiredService<ILogSource>());
        var model = new SearchViewModel(gated, TimeProvider.System);

        // The page's first run (everything) is slow to answer; the person's query runs meanwhile and answers first.
        model.Apply(new SearchState("{job=\"tovplay-backend\"}", "now-1h", "now", null, null, null));
        var first = model.RunAsync();
        await gated.FirstStarted.Task;
        model.Apply(new SearchState($"{{run=\"{run}\", level=\"error\"}}", "now-1h", "now", null, null, null));
        await model.RunAsync();
        gated.ReleaseFirst.SetResult();
        await first;

        Assert.Equal(10, model.Lines.Count);
        Assert.All(model.Lines, l => Assert.Equal(run, l.Source.Labels["run"]));
        Assert.Equal(10, model.VolumeTotal);
        Assert.False(model.Running);
    }

    /// <summary>
    /// The real source, but the first run's two queries (its lines and its volume) answer only when released, whether
    /// or not they were cancelled meanwhile.
    /// </summary>
    private sealed class LateFirstQuerySource(ILogSource inner) : ILogSource
    {
        private int _queries;
        private int _answered;

        public TaskCompletionSource FirstStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleaseFirst { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Kind => inner.Kind;

        public async Task<QueryResponse> QueryRangeAsync(RangeQueryRequest request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _queries) <= 2)
            {
                var answer = await inner.QueryRangeAsync(request, CancellationToken.None);
                if (Interlocked.Increment(ref _answered) == 2)
                {
                    FirstStarted.SetResult();
                }

                await ReleaseFirst.Task;
                return answer;
            }

            return await inner.QueryRangeAsync(request, cancellationToken);
        }

        public Task<QueryResponse> QueryInstantAsync(InstantQueryRequest request, CancellationToken cancellationToken) => inner.QueryInstantAsync(request, cancellationToken);

        public Task<IReadOnlyList<string>> GetLabelsAsync(TimeWindow window, CancellationToken cancellationToken) => inner.GetLabelsAsync(window, cancellationToken);

        public Task<IReadOnlyList<string>> GetLabelValuesAsync(string name, TimeWindow window, CancellationToken cancellationToken) =>
            inner.GetLabelValuesAsync(name, window, cancellationToken);

        public Task<IReadOnlyList<Domain.Logs.LabelSet>> GetSeriesAsync(IReadOnlyList<string> match, TimeWindow window, CancellationToken cancellationToken) =>
            inner.GetSeriesAsync(match, window, cancellationToken);

        public IAsyncEnumerable<TailBatch> TailAsync(TailRequest request, CancellationToken cancellationToken) => inner.TailAsync(request, cancellationToken);

        public Task<string?> CheckReadyAsync(CancellationToken cancellationToken) => inner.CheckReadyAsync(cancellationToken);
    }

    [Fact]
    public void Apply_AnOrderThatIsNotOne_IsRefusedByName_NotTakenAsNewestFirst()
    {
        var model = NewModel();

        model.Apply(new SearchState("{job=\"api\"}", "now-1h", "now", "sideways", null, null));

        Assert.False(model.CanRun);
        Assert.Equal("The address asks for the order 'sideways'; use backward (newest first) or forward (oldest first).", model.DirectionError);
        Assert.Equal("sideways", model.State().Direction);
        model.Apply(model.State(direction: Direction.Forward));
        Assert.True(model.CanRun);
        Assert.Equal(Direction.Forward, model.Direction);
    }

    [Fact]
    public async Task AnAddressThatCannotRun_RunsNothing_AndTakesAwayWhatTheLastSearchShowed()
    {
        var run = await SeedAsync();
        var model = NewModel();
        model.Apply(new SearchState($"{{run=\"{run}\"}}", "now-1h", "now", null, null, null));
        await model.RunAsync();
        Assert.Equal(30, model.Lines.Count);

        model.Apply(new SearchState($"{{run=\"{run}\"}}", "now-400d", "now", null, null, null));
        await model.RunAsync();

        Assert.Empty(model.Lines);
        Assert.Empty(model.Volume);
        Assert.False(model.HasRun);
        Assert.Equal("The time range is longer than 30 days.", model.RangeError);
        Assert.Equal(("now-30d", "now"), (model.LongestRange!.From, model.LongestRange.To));

        model.Apply(new SearchState($"{{run=\"{run}\"}}", model.LongestRange.From, model.LongestRange.To, null, null, null));
        await model.RunAsync();
        Assert.Equal(30, model.Lines.Count);
    }

    [Fact]
    public void Apply_OnlyColumnsChanged_IsNotAChangeToTheResult()
    {
        var model = NewModel();
        model.Apply(new SearchState("{job=\"api\"}", "now-15m", "now", null, 100, null));

        Assert.False(model.Apply(new SearchState("{ job = \"api\" }", "now-15m", "now", null, 100, "user")));
        Assert.True(model.Apply(new SearchState("{job=\"api\"}", "now-5m", "now", null, 100, "user")));
    }

    [Fact]
    public async Task Run_LogQuery_ListsNewestFirst_WithVolumeByLevelCountingTheSameLines()
    {
        var run = await SeedAsync();
        var model = NewModel();
        model.Apply(new SearchState($"{{run=\"{run}\"}}", "now-1h", "now", null, null, null));

        await model.RunAsync();

        Assert.Null(model.Error);
        Assert.Equal(30, model.Lines.Count);
        Assert.Equal("line 00", System.Text.Json.JsonDocument.Parse(model.Lines[0].Source.Line).RootElement.GetProperty("msg").GetString());
        Assert.True(model.Lines.Zip(model.Lines.Skip(1)).All(p => p.First.Source.TimestampNs > p.Second.Source.TimestampNs));
        Assert.Equal(["error", "info"], model.Volume.Select(s => s.Name));
        Assert.Equal(["#e53935", "#1e88e5"], model.Volume.Select(s => s.Color));
        Assert.Equal(10, model.Volume[0].Points.Sum(p => p.Value));
        Assert.Equal(30, model.VolumeTotal);
        Assert.Equal(TimeSpan.FromSeconds(30), model.VolumeStep);
        Assert.False(model.Truncated);
        Assert.Equal("30 lines", model.Summary);
    }

    [Fact]
    public async Task Run_LimitCutsTheResult_SaysShowingNOfAtLeastM()
    {
        var run = await SeedAsync();
        var model = NewModel();
        model.Apply(new SearchState($"{{run=\"{run}\"}}", "now-1h", "now", "forward", 7, null));

        await model.RunAsync();

        Assert.Equal(7, model.Lines.Count);
        Assert.True(model.Lines.Zip(model.Lines.Skip(1)).All(p => p.First.Source.TimestampNs < p.Second.Source.TimestampNs));
        Assert.True(model.Truncated);
        Assert.Equal("Showing 7 of at least 30 lines: the limit cut the result. Raise the limit, narrow the range, or export.", model.Summary);
    }

    [Fact]
    public async Task Run_MetricQuery_GivesSeriesAndNoLines()
    {
        var run = await SeedAsync();
        var model = NewModel();
        model.Apply(new SearchState($"sum by (user) (count_over_time({{run=\"{run}\"}} | json [1h]))", "now-1h", "now", null, null, null));

        await model.RunAsync();

        Assert.True(model.IsMetric);
        Assert.Empty(model.Lines);
        Assert.Equal(["{user=\"u0\"}", "{user=\"u1\"}"], model.SeriesChart.Select(s => s.Name).Order());
        var rows = model.Series.Select(SeriesRow.From).OrderBy(r => r.Name).ToList();
        Assert.Equal("15", rows[0].Last);
        Assert.Equal("2 series", model.Summary);
    }

    [Fact]
    public async Task EveryBucketOfTheRange_IsABar_AtItsMiddle_AndAClickedBarIsItsOwnRange()
    {
        var run = await SeedAsync();
        var model = NewModel();
        model.Apply(new SearchState($"{{run=\"{run}\"}}", "now-1h", "now", null, null, null));
        await model.RunAsync();
        var step = TimeSpan.FromSeconds(30);
        var points = model.Volume[0].Points;

        // Bars every 30 s across the hour (zeros included), each at a round bucket's middle, the chart spanning them.
        Assert.InRange(points.Count, 120, 122);
        Assert.All(points.Zip(points.Skip(1)), p => Assert.Equal(step, p.Second.Time - p.First.Time));
        Assert.All(points, p => Assert.Equal(15_000, p.Time.ToUnixTimeMilliseconds() % 30_000));
        Assert.Equal(model.VolumeFrom + (step / 2), points[0].Time);
        Assert.Equal(model.VolumeTo - (step / 2), points[^1].Time);
        Assert.True(model.VolumeFrom <= model.Start && model.VolumeTo >= model.End);
        Assert.Equal(10, points.Sum(p => p.Value));

        var bar = points.First(p => p.Value > 0).Time;
        Assert.Equal((bar - (step / 2), bar + (step / 2)), model.BucketAround(bar).Resolve(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Run_SourceRefuses_SaysWhyInItsWords_AndClearsTheOldResult()
    {
        await using var loki = await FakeLoki.StartAsync();
        var options = new LogSourceOptions { Kind = LogSourceOptions.Loki, Url = loki.Address.ToString(), LokiAttemptTimeout = TimeSpan.FromSeconds(10) };
        var services = new ServiceCollection();
        LogSourceServices.AddLokiClient(services, options);
        var source = new LokiLogSource(services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>(), Options.Create(options), NullLogger<LokiLogSource>.Instance);
        var model = new SearchViewModel(source, TimeProvider.System);
        model.Apply(new SearchState("{job=\"tovplay-backend\"}", "now-1h", "now", null, null, null));
        loki.Replay("error_too_many_points").Replay("error_too_many_points");

        await model.RunAsync();

        Assert.StartsWith("exceeded maximum resolution of 11,000 points per timeseries", model.Error);
        Assert.Empty(model.Lines);
        Assert.Empty(model.Volume);
        Assert.False(model.Running);
    }
}
