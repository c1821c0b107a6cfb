using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.LogSources;

/// <summary>
/// What every <see cref="ILogSource"/> must do, run against each implementation by a subclass: results, order,
/// limits, paging, errors, labels, series and tail must not depend on where the logs live.
/// </summary>
public abstract class LogSourceContract(WebAppFixture fixture)
{
    protected const long Minute = 60_000_000_000;
    protected const int Ties = 5;
    protected const int Total = 30 + Ties;

    protected WebAppFixture Fixture { get; } = fixture;

    protected abstract Task<ILogSource> SourceAsync();

    /// <summary>
    /// A fresh run: 30 JSON lines a minute apart (every third an error, every fifth a DELETE), then 5 lines sharing
    /// one timestamp (a page boundary must not lose or repeat them). Returns the run id and the first and last times.
    /// </summary>
    protected async Task<(string Run, long First, long Last)> SeedAsync()
    {
        using var client = new LokiPushClient(Fixture.App, await Fixture.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue));
        var run = Guid.NewGuid().ToString("N")[..12];
        var last = LokiPushClient.NowNs / Minute * Minute - Minute;
        var first = last - 29 * Minute;
        foreach (var level in new[] { "info", "error" })
        {
            var lines = Enumerable.Range(0, 30).Where(i => (i % 3 == 0) == (level == "error"))
                .Select(i => (first + i * Minute, $$"""{"i":{{i}},"action":"{{(i % 5 == 0 ? "DELETE" : "GET")}}","duration_ms":{{i * 7}}}"""))
                .ToList();
            if (level == "info")
            {
                lines.AddRange(Enumerable.Range(0, Ties).Select(k => (last + 1, $$"""{"tie":{{k}},"action":"GET"}""")));
            }

            await client.PushAsync(new Dictionary<string, string> { ["job"] = "contract", ["level"] = level, ["run"] = run }, [.. lines]);
        }

        return (run, first, last + 1);
    }

    private static List<(LabelSet Labels, long Ts, string Line)> Flatten(QueryResponse response) =>
        [.. response.Streams.SelectMany(s => s.Entries.Select(e => (s.Labels, e.TimestampNs, e.Line)))];

    [Fact]
    public async Task LogQuery_Backward_GivesTheNewestEntriesUpToTheLimit()
    {
        var (run, first, last) = await SeedAsync();
        var source = await SourceAsync();

        var response = await source.QueryRangeAsync(new RangeQueryRequest($"{{run=\"{run}\"}}", first, last + 1) { Limit = 15 }, TestContext.Current.CancellationToken);

        var entries = Flatten(response);
        Assert.Equal(ResultType.Streams, response.Type);
        Assert.Equal(15, entries.Count);
        Assert.Equal(15, entries.Distinct().Count());
        Assert.Equal(Ties, entries.Count(e => e.Ts == last));
        Assert.Equal(Enumerable.Range(0, 15 - Ties).Select(k => last - 1 - k * Minute), entries.Where(e => e.Ts != last).Select(e => e.Ts).OrderDescending());
    }

    [Fact]
    public async Task LogQuery_Forward_GivesTheOldestEntriesInOrder()
    {
        var (run, first, last) = await SeedAsync();
        var source = await SourceAsync();

        var response = await source.QueryRangeAsync(new RangeQueryRequest($"{{run=\"{run}\"}}", first, last + 1) { Limit = 5, Direction = Direction.Forward }, TestContext.Current.CancellationToken);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => first + i * Minute), Flatten(response).Select(e => e.Ts).Order());
    }

    [Fact]
    public async Task LogQuery_AllEntries_NoneLostOrRepeated()
    {
        var (run, first, last) = await SeedAsync();
        var source = await SourceAsync();

        var response = await source.QueryRangeAsync(new RangeQueryRequest($"{{run=\"{run}\"}}", first, last + 1) { Limit = 1000 }, TestContext.Current.CancellationToken);

        var entries = Flatten(response);
        Assert.Equal(Total, entries.Count);
        Assert.Equal(Total, entries.Distinct().Count());
    }

    [Fact]
    public async Task LogQuery_Pipeline_FiltersAndAddsExtractedLabels()
    {
        var (run, first, last) = await SeedAsync();
        var source = await SourceAsync();

        var response = await source.QueryRangeAsync(
            new RangeQueryRequest($"{{run=\"{run}\"}} | json | action=\"DELETE\" | duration_ms >= 70", first, last + 1) { Limit = 100 }, TestContext.Current.CancellationToken);

        var entries = Flatten(response);
        Assert.Equal(Enumerable.Range(0, 30).Count(i => i % 5 == 0 && i * 7 >= 70), entries.Count);
        Assert.All(entries, e => Assert.Equal("DELETE", e.Labels["action"]));
    }

    [Fact]
    public async Task MetricRange_CountsPerStepByLevel()
    {
        var (run, first, last) = await SeedAsync();
        var source = await SourceAsync();

        var response = await source.QueryRangeAsync(
            new RangeQueryRequest($"sum by (level) (count_over_time({{run=\"{run}\"}}[10m]))", first, last) { StepNs = 10 * Minute }, TestContext.Current.CancellationToken);

        // Loki's grid: steps on multiples of 10 minutes from before the first line to after the last, each counting
        // the error lines (every third minute) in the ten minutes up to it.
        Assert.Equal(ResultType.Matrix, response.Type);
        var errors = response.Series.Single(s => s.Labels["level"] == "error");
        var step = 10 * Minute;
        var errorTimes = Enumerable.Range(0, 30).Where(i => i % 3 == 0).Select(i => first + i * Minute).ToList();
        var expected = Enumerable.Range(0, 6).Select(k => (first / step * step) + k * step).Where(t => t <= (last + step - 1) / step * step)
            .Select(t => (Ns: t, Count: (double)errorTimes.Count(x => x > t - step && x <= t))).Where(p => p.Count > 0).ToList();
        Assert.Equal(expected, errors.Points.Select(p => (p.TimestampNs, p.Value)));
        Assert.Equal(10, errors.Points.Sum(p => p.Value));
        Assert.All(errors.Points, p => Assert.Equal(0, p.TimestampNs % step));
    }

    [Fact]
    public async Task MetricInstant_IsAVector()
    {
        var (run, _, last) = await SeedAsync();
        var source = await SourceAsync();

        var response = await source.QueryInstantAsync(new InstantQueryRequest($"sum(count_over_time({{run=\"{run}\"}}[1h]))", last + 1), TestContext.Current.CancellationToken);

        Assert.Equal(ResultType.Vector, response.Type);
        Assert.Equal(Total, Assert.Single(response.Series).Points.Single().Value);
    }

    [Theory]
    [InlineData("{run=\"x\"} | json | action==", 100, "parse error at line 1, col 28: syntax error: unexpected $end, expecting BYTES or NUMBER or DURATION")]
    [InlineData("{run=\"x\"}", 10000, "max entries limit per query exceeded, limit > max_entries_limit (10000 > 5000)")]
    public async Task BadQuery_IsABadRequestWithLokisText(string query, int limit, string expected)
    {
        var source = await SourceAsync();

        var error = await Assert.ThrowsAsync<LogSourceException>(() =>
            source.QueryRangeAsync(new RangeQueryRequest(query, LokiPushClient.NowNs - Minute, LokiPushClient.NowNs) { Limit = limit }, TestContext.Current.CancellationToken));

        Assert.Equal(LogSourceError.BadRequest, error.Error);
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public async Task LabelsValuesAndSeries_DescribeTheRun()
    {
        var (run, first, last) = await SeedAsync();
        var source = await SourceAsync();
        var window = new TimeWindow(first, last);
        var ct = TestContext.Current.CancellationToken;

        var labels = await source.GetLabelsAsync(window, ct);
        var values = await source.GetLabelValuesAsync("run", window, ct);
        var series = await source.GetSeriesAsync([$"{{run=\"{run}\"}}"], window, ct);

        Assert.Superset(new HashSet<string> { "job", "level", "run" }, labels.ToHashSet());
        Assert.Contains(run, values);
        Assert.Equal(["error", "info"], series.Select(s => s["level"]!).Order());
        Assert.All(series, s => Assert.Equal("contract", s["job"]));
    }

    [Fact]
    public async Task Tail_GivesHistoryThenNewEntries()
    {
        var (run, _, last) = await SeedAsync();
        var source = await SourceAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        await using var tail = source.TailAsync(new TailRequest($"{{run=\"{run}\"}} |= \"tie\"") { Limit = 3, StartNs = last - Minute }, cts.Token).GetAsyncEnumerator(cts.Token);

        // A source may first say it is connected with an empty batch; the history is the first batch with entries.
        do
        {
            Assert.True(await tail.MoveNextAsync());
        }
        while (tail.Current.Streams.Count == 0);

        var history = tail.Current.Streams.SelectMany(s => s.Entries).ToList();
        using var client = new LokiPushClient(Fixture.App, await Fixture.CreateApiKeyAsync());
        await client.PushAsync(new Dictionary<string, string> { ["job"] = "contract", ["run"] = run }, (LokiPushClient.NowNs, "live tie"), (LokiPushClient.NowNs + 1, "live, filtered out"));
        var live = new List<string>();
        while (live.Count == 0 && await tail.MoveNextAsync())
        {
            live.AddRange(tail.Current.Streams.SelectMany(s => s.Entries).Select(e => e.Line));
        }

        Assert.Equal(3, history.Count);
        Assert.All(history, e => Assert.Equal(last, e.TimestampNs));
        Assert.Equal(["live tie"], live);
    }

    [Fact]
    public async Task Tail_MetricQuery_FailsWithLokisReason()
    {
        var source = await SourceAsync();

        var error = await Assert.ThrowsAsync<LogSourceException>(async () =>
        {
            await foreach (var _ in source.TailAsync(new TailRequest("count_over_time({run=\"x\"}[1m])"), TestContext.Current.CancellationToken))
            {
            }
        });

        Assert.Equal("only log selector is supported", error.Message);
    }
}
