using System.Net;
using System.Net.WebSockets;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.LokiApi;

/// <summary>Loki's tail over a WebSocket: history then live frames, refusals before and after the upgrade, drops.</summary>
public sealed class TailApiTests(WebAppFixture fixture)
{
    private static readonly string s_loki = Path.Combine(AppContext.BaseDirectory, "fixtures", "loki-2.8.0");

    private static string Q(string value) => LokiPushClient.Q(value);

    private static Dictionary<string, string> Labels(string run) => new() { ["job"] = "tovplay-backend", ["run"] = run };

    [Fact]
    public async Task Tail_SendsTheNewestHistoryOldestFirst_ThenEachNewEntryInItsOwnStreamObject()
    {
        var token = await fixture.CreateApiKeyAsync();
        using var pusher = new LokiPushClient(fixture.App, token);
        var run = Guid.NewGuid().ToString("N")[..12];
        var now = LokiPushClient.NowNs;
        await pusher.PushAsync(Labels(run), (now - 5000, "h1"), (now - 4000, "h2"), (now - 3000, "h3"), (now - 2000, "h4"));

        await using var tail = await LokiTailClient.ConnectAsync(fixture.App, token, $"query={Q($"{{run=\"{run}\"}}")}&limit=3&start={now - 60_000_000_000}");
        var history = await tail.ReceiveAsync();
        await pusher.PushAsync(Labels(run), (LokiPushClient.NowNs, "live A"), (LokiPushClient.NowNs + 1, "live B"));
        var live = await tail.ReceiveAsync();

        Assert.Equal(["h2", "h3", "h4"], LokiTailClient.Lines(history!.Value));
        Assert.Equal(["live A", "live B"], LokiTailClient.Lines(live!.Value));
        Assert.All(live.Value.GetProperty("streams").EnumerateArray(), s => Assert.Equal(1, s.GetProperty("values").GetArrayLength()));
        Assert.False(live.Value.TryGetProperty("dropped_entries", out _));
    }

    [Fact]
    public async Task Tail_RunsThePipelineOnLiveEntries()
    {
        var token = await fixture.CreateApiKeyAsync();
        using var pusher = new LokiPushClient(fixture.App, token);
        var run = Guid.NewGuid().ToString("N")[..12];

        await using var tail = await LokiTailClient.ConnectAsync(fixture.App, token, $"query={Q($"{{run=\"{run}\"}} | json | action=\"DELETE\" | line_format \"{{{{.user}}}} deleted\"")}");
        Assert.Empty(LokiTailClient.Lines((await tail.ReceiveAsync())!.Value));
        await pusher.PushAsync(Labels(run), (LokiPushClient.NowNs, """{"action":"POST","user":"bob"}"""), (LokiPushClient.NowNs + 1, """{"action":"DELETE","user":"alice"}"""));
        var frame = (await tail.ReceiveAsync())!.Value;

        Assert.Equal(["alice deleted"], LokiTailClient.Lines(frame));
        Assert.Equal("DELETE", frame.GetProperty("streams")[0].GetProperty("stream").GetProperty("action").GetString());
    }

    [Theory]
    [InlineData("{job=\"tovplay-backend\"} | json | action==", "tail_error_syntax.json")]
    [InlineData("count_over_time({job=\"tovplay-backend\"}[1m])", "tail_error_metric_query.json")]
    public async Task Tail_BadQuery_IsClosedWith1011AndLokisReason(string query, string recorded)
    {
        var expected = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(s_loki, recorded))).RootElement;
        await using var tail = await LokiTailClient.ConnectAsync(fixture.App, await fixture.CreateApiKeyAsync(), $"query={Q(query)}");

        Assert.Null(await tail.ReceiveAsync());
        Assert.Equal(expected.GetProperty("websocket_close_code").GetInt32(), (int)tail.CloseStatus!);
        Assert.Equal(expected.GetProperty("websocket_close_reason").GetString(), tail.CloseReason);
    }

    [Theory]
    [InlineData("limit=abc", "tail_error_bad_limit.json")]
    [InlineData("delay_for=10", "tail_error_delay_for_too_big.json")]
    public async Task Tail_BadParameters_AreRefusedBeforeTheUpgrade(string parameters, string recorded)
    {
        var token = await fixture.CreateApiKeyAsync();
        var ex = await Assert.ThrowsAsync<WebSocketException>(() => LokiTailClient.ConnectAsync(fixture.App, token, $"query={Q("{job=\"x\"}")}&{parameters}"));
        using var http = new LokiPushClient(fixture.App, token);
        var (status, body) = await http.GetAsync($"tail?query={Q("{job=\"x\"}")}&{parameters}");

        Assert.Contains("400", ex.Message);
        Assert.Equal(400, status);
        Assert.Equal(File.ReadAllText(Path.Combine(s_loki, recorded)), body);
    }

    [Fact]
    public async Task Tail_ClientTooSlow_ReportsDroppedEntriesByStreamAndTime()
    {
        // A separate app whose tails may fall behind by only two batches, and whose streams may grow without a rate limit.
        await using var app = new TestApp(fixture.Database.ConnectionString, new Dictionary<string, string?>
        {
            ["LogSource:TailBufferBatches"] = "2",
            ["LogStore:PerStreamRateBytes"] = "1073741824",
            ["LogStore:PerStreamBurstBytes"] = "1073741824",
        });
        var token = await fixture.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue);
        using var pusher = new LokiPushClient(app, token);
        var run = Guid.NewGuid().ToString("N")[..12];
        var other = Guid.NewGuid().ToString("N")[..12];
        var big = new string('x', 64 * 1024);

        await using var tail = await LokiTailClient.ConnectAsync(app, token, $"query={Q($"{{run=\"{run}\"}}")}");
        await tail.ReceiveAsync();

        // The client reads nothing while 400 pushes of 1 MB arrive: socket buffers fill, then the tail's own buffer.
        var pushed = new List<long>();
        for (var i = 0; i < 400; i++)
        {
            var ts = LokiPushClient.NowNs;
            pushed.Add(ts);
            await pusher.PushAsync(Labels(run), [.. Enumerable.Range(0, 16).Select(k => (ts + k, big))]);

            // Another stream, which this tail does not follow: its lines must count neither as received nor lost.
            await pusher.PushAsync(Labels(other), (ts, "not followed"));
        }

        var received = 0;
        var dropped = new List<(string Run, long Ts)>();
        while (received + dropped.Count < 400 * 16 && await tail.ReceiveAsync(TimeSpan.FromSeconds(5)) is { } frame)
        {
            received += LokiTailClient.Lines(frame).Count;
            if (frame.TryGetProperty("dropped_entries", out var entries))
            {
                dropped.AddRange(entries.EnumerateArray().Select(e => (e.GetProperty("labels").GetProperty("run").GetString()!, long.Parse(e.GetProperty("timestamp").GetString()!))));
            }
        }

        Assert.NotEmpty(dropped);
        Assert.All(dropped, d => Assert.Equal(run, d.Run));
        Assert.Equal(400 * 16, received + dropped.Count);
    }
}
