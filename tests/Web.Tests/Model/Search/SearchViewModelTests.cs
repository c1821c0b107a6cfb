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
    public void Apply_BadParts_AreNamed_AndTheRestIsTaken()
    {
        var model = NewModel();

        var changed = model.Apply(new SearchState("{job=\"api\"} |= ", "yesterday", "now", "forward", 9000, "user,,user,status"));

        Assert.True(changed);
        Assert.Equal("query: parse error at line 1, col 16: syntax error: unexpected $end, expecting STRING From: 'yesterday' is not a time. Use now, now-15m (s, m, h, d, w), Unix milliseconds, or 2026-11-27T10:30:00Z. limit: must be from 1 to 5,000 (export for more).", model.StateError);
        Assert.Equal(Direction.Forward, model.Direction);
        Assert.Equal(SearchViewModel.DefaultLimit, model.Limit);
        Assert.Equal(["user", "status"], model.Columns);
        Assert.Same(TimeRange.LastHour, model.Range);
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
    public async Task BucketEndingAt_IsTheBarsOwnRange()
    {
        var run = await SeedAsync();
        var model = NewModel();
        model.Apply(new SearchState($"{{run=\"{run}\"}}", "now-1h", "now", null, null, null));
        await model.RunAsync();
        var bar = model.Volume[0].Points[^1].Time;

        var bucket = model.BucketEndingAt(bar);

        Assert.Equal((bar - TimeSpan.FromSeconds(30), bar), bucket.Resolve(DateTimeOffset.UtcNow));
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
