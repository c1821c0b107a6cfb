using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.LogSources.Loki;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.LogSources;

/// <summary>
/// The Loki client against responses recorded from a real Loki 2.8.0, replayed byte for byte: every shape, timestamp
/// format and error text it must understand, the headers it must send, and the retry of a transient failure.
/// </summary>
public sealed class LokiRecordedResponseTests : IAsyncLifetime
{
    private const long Start = 1795715735179651328;
    private const long End = 1795716638296311040;

    private FakeLoki _loki = null!;
    private LokiLogSource _source = null!;

    public async ValueTask InitializeAsync()
    {
        _loki = await FakeLoki.StartAsync();
        var options = new LogSourceOptions
        {
            Kind = LogSourceOptions.Loki,
            Url = _loki.Address.ToString(),
            TenantId = "tovplay",
            Username = "reader",
            Password = "s3cret",
            LokiAttemptTimeout = TimeSpan.FromSeconds(10),
        };
        var services = new ServiceCollection();
        LogSourceServices.AddLokiClient(services, options);
        _source = new LokiLogSource(services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>(), Options.Create(options), NullLogger<LokiLogSource>.Instance);
    }

    public async ValueTask DisposeAsync() => await _loki.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task QueryRange_Streams_ReadsNanosecondStringsAndSendsTenantAndCredentials()
    {
        _loki.Replay("query_range_streams");

        var response = await _source.QueryRangeAsync(new RangeQueryRequest("{job=\"tovplay-backend\"}", Start, End) { Limit = 10 }, Ct);

        Assert.Equal(ResultType.Streams, response.Type);
        Assert.Equal(10, response.EntryCount);
        var first = response.Streams[0];
        Assert.Equal("tovplay-backend", first.Labels["job"]);
        Assert.Equal(1795716635287067136, first.Entries[0].TimestampNs);
        Assert.StartsWith("{\"ts\":\"now\"", first.Entries[0].Line, StringComparison.Ordinal);
        Assert.True(response.Statistics.LinesProcessed > 0);
        Assert.True(_loki.Requests.TryDequeue(out var request));
        Assert.StartsWith("/loki/api/v1/query_range?query=%7Bjob%3D%22tovplay-backend%22%7D&start=1795715735179651328&end=1795716638296311040&limit=10&direction=backward", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal("tovplay", request.Headers["X-Scope-OrgID"].ToString());
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("reader:s3cret")), request.Headers.Authorization.ToString());
    }

    [Fact]
    public async Task QueryRange_Matrix_ReadsSecondsAndStringValues()
    {
        _loki.Replay("query_range_matrix");

        var response = await _source.QueryRangeAsync(new RangeQueryRequest("sum by (level) (count_over_time({job=\"tovplay-backend\"}[1m]))", Start, End) { StepNs = 60_000_000_000 }, Ct);

        Assert.Equal(ResultType.Matrix, response.Type);
        var error = response.Series.Single(s => s.Labels["level"] == "error");
        Assert.Equal(new SamplePoint(1795716060_000_000_000, 3), error.Points[0]);
        Assert.Equal(11, error.Points.Count);
    }

    [Fact]
    public async Task QueryInstant_Vector_ReadsFloatSecondsWithMilliseconds()
    {
        _loki.Replay("query_instant_vector");

        var response = await _source.QueryInstantAsync(new InstantQueryRequest("sum by (level) (count_over_time({job=\"tovplay-backend\"}[15m]))", End), Ct);

        Assert.Equal(ResultType.Vector, response.Type);
        Assert.Equal(new SamplePoint(1795716638_296_000_000, 60), response.Series.Single(s => s.Labels["level"] == "error").Points.Single());
    }

    [Fact]
    public async Task LabelsValuesAndSeries_AreRead_AnUnknownLabelHasNoValues()
    {
        _loki.Replay("labels").Replay("label_values_level").Replay("label_values_unknown").Replay("series_post_form");
        var window = new TimeWindow(Start, End);

        Assert.Equal(["env", "job", "level"], await _source.GetLabelsAsync(window, Ct));
        Assert.Equal(["error", "info"], await _source.GetLabelValuesAsync("level", window, Ct));
        Assert.Empty(await _source.GetLabelValuesAsync("nosuchlabel", window, Ct));
        var series = await _source.GetSeriesAsync(["{job=\"tovplay-backend\"}"], window, Ct);

        Assert.Equal(["error", "info"], series.Select(s => s["level"]!).Order());
        var requests = _loki.Requests.ToList();
        Assert.Equal("match%5B%5D=%7Bjob%3D%22tovplay-backend%22%7D&start=1795715735179651328&end=1795716638296311040", requests[^1].Body);
    }

    [Theory]
    [InlineData("error_syntax", true, LogSourceError.BadRequest)]
    [InlineData("error_too_many_points", true, LogSourceError.BadRequest)]
    [InlineData("query_instant_scalar", false, LogSourceError.Internal)]
    public async Task ErrorBodies_ArePlainTextAndBecomeTheMessage(string recording, bool range, LogSourceError expected)
    {
        _loki.Replay(recording);
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "loki-2.8.0", recording + ".json"));

        var error = await Assert.ThrowsAsync<LogSourceException>(() => range
            ? _source.QueryRangeAsync(new RangeQueryRequest("{job=\"x\"}", Start, End), Ct)
            : _source.QueryInstantAsync(new InstantQueryRequest("{job=\"x\"}", End), Ct));

        Assert.Equal(expected, error.Error);
        Assert.Equal(text, error.Message);
    }

    [Fact]
    public async Task TransientFailure_IsRetried()
    {
        _loki.Fail(503).Replay("labels");

        var labels = await _source.GetLabelsAsync(new TimeWindow(Start, End), Ct);

        Assert.Equal(["env", "job", "level"], labels);
        Assert.Equal(2, _loki.Requests.Count);
    }

    [Fact]
    public async Task Readiness_AsksLokisOwnReadyPath_AndReportsANotReadyAnswer()
    {
        // Not ready is a 503, which the client retries (three times) before it reports it.
        _loki.Replay("ready").Fail(503).Fail(503).Fail(503).Fail(503);

        var ready = await _source.CheckReadyAsync(Ct);
        var notReady = await _source.CheckReadyAsync(Ct);

        Assert.Null(ready);
        Assert.Equal("/ready", _loki.Requests.First().PathAndQuery);
        Assert.StartsWith("Loki is not ready: 503", notReady, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_IsUnavailable()
    {
        await _loki.DisposeAsync();

        var error = await Assert.ThrowsAsync<LogSourceException>(() => _source.GetLabelsAsync(new TimeWindow(Start, End), Ct));

        Assert.Equal(LogSourceError.Unavailable, error.Error);
        Assert.StartsWith("Loki cannot be reached", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_ReadsOneEntryPerStreamObjectAndDroppedEntries()
    {
        _loki.ReplayTail(["tail_msg_01", "tail_msg_02", "tail_dropped_entries"], WebSocketCloseStatus.InternalServerError, "max concurrent tail requests limit exceeded");
        var batches = new List<TailBatch>();

        var error = await Assert.ThrowsAsync<LogSourceException>(async () =>
        {
            await foreach (var batch in _source.TailAsync(new TailRequest("{job=\"tovplay-backend\"}") { Limit = 3, StartNs = 1795716400200000000 }, Ct))
            {
                batches.Add(batch);
            }
        });

        // First the notice that the tail is open, then one batch per frame.
        Assert.Empty(batches[0].Streams);
        batches.RemoveAt(0);

        Assert.Equal(3, batches[0].Streams.Count);
        Assert.Equal("INFO plain text tail line A", batches[0].Streams[1].Entries.Single().Line);
        Assert.Equal(1795716701746197420, batches[1].Streams.Single().Entries.Single().TimestampNs);
        Assert.Equal(1000, batches[2].Dropped.Count);
        Assert.Equal("droptest", batches[2].Dropped[0].Labels["env"]);
        Assert.Equal(1795716913798100000, batches[2].Dropped[0].TimestampNs);
        Assert.Equal(LogSourceError.TooManyRequests, error.Error);
    }

    [Fact]
    public async Task Tail_ConnectionLost_ReconnectsFromTheLastEntryWithoutRepeating()
    {
        _loki.ReplayTail(["tail_msg_01"]).ReplayTail(["tail_msg_01", "tail_msg_02"]);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromSeconds(20));
        var lines = new List<long>();
        var signals = new List<string>();

        await foreach (var batch in _source.TailAsync(new TailRequest("{job=\"tovplay-backend\"}") { StartNs = 1795716400200000000 }, cts.Token))
        {
            if (batch.Interruption is not null || batch.Resumed)
            {
                signals.Add($"{(batch.Resumed ? "resumed" : "interrupted")} after {lines.Count}");
            }

            lines.AddRange(batch.Streams.SelectMany(s => s.Entries).Select(e => e.TimestampNs));
            if (lines.Count >= 4)
            {
                break;
            }
        }

        Assert.Equal([1795716685273797149, 1795716685982834638, 1795716685982975458, 1795716701746197420], lines);
        // The consumer learns of the interruption and of the recovery, so a live view can say "reconnecting".
        Assert.Equal(["interrupted after 3", "resumed after 3"], signals);
        var second = _loki.Requests.ToList()[1].PathAndQuery;
        Assert.Contains("start=1795716685982975458", second, StringComparison.Ordinal);
    }
}
