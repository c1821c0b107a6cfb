using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Web.Tail;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Tail;

/// <summary>The tail hub through the real SignalR client, over real HTTP, fed by pushes to the embedded store.</summary>
public sealed class TailHubTests(WebAppFixture fixture)
{
    private static Dictionary<string, string> Labels(string run) => new() { ["job"] = "tovplay-backend", ["run"] = run };

    private static string NewRun() => Guid.NewGuid().ToString("N")[..12];

    private async Task<HubConnection> ConnectAsync(string? token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.App.AppUri, "hubs/tail"), o =>
            {
                if (token is not null)
                {
                    o.Headers["Authorization"] = $"Bearer {token}";
                }
            })
            .Build();
        await connection.StartAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    /// <summary>Messages of the stream until <paramref name="done"/> holds for them.</summary>
    private static async Task<List<TailMessage>> ReadUntilAsync(IAsyncEnumerator<TailMessage> stream, Func<List<TailMessage>, bool> done)
    {
        var messages = new List<TailMessage>();
        while (!done(messages))
        {
            Assert.True(await stream.MoveNextAsync(), "the stream ended");
            messages.Add(stream.Current);
        }

        return messages;
    }

    [Fact]
    public async Task Connect_WithoutCredentials_IsRefused()
    {
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => ConnectAsync(token: null));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task Connect_WithAPushOnlyKey_IsRefused()
    {
        var error = await Assert.ThrowsAsync<HttpRequestException>(async () => await ConnectAsync(await fixture.CreateApiKeyAsync(push: true, read: false)));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
    }

    [Fact]
    public async Task Tail_StreamsLinesPushedAfterItStarted_WithStateAndNanosecondTimestamps()
    {
        var token = await fixture.CreateApiKeyAsync();
        await using var connection = await ConnectAsync(token);
        using var pusher = new LokiPushClient(fixture.App, token);
        var run = NewRun();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(TimeSpan.FromSeconds(30));
        await using var stream = connection.StreamAsync<TailMessage>("Tail", $"{{run=\"{run}\"}} |= \"keep\"", cancel.Token).GetAsyncEnumerator(cancel.Token);

        var opening = await ReadUntilAsync(stream, m => m.Any(x => x.State == nameof(TailConnectionState.Live)));
        var now = LokiPushClient.NowNs;
        await pusher.PushAsync(Labels(run), (now, "keep one"), (now + 1, "drop this"), (now + 2, "keep two"));
        var live = await ReadUntilAsync(stream, m => m.Sum(x => x.Lines.Count) == 2);

        Assert.Equal("Connecting", opening[0].State);
        var lines = live.SelectMany(m => m.Lines).ToList();
        Assert.Equal(["keep one", "keep two"], lines.Select(l => l.Line));
        Assert.Equal([now.ToString(), (now + 2).ToString()], lines.Select(l => l.Ts));
        Assert.Equal(run, lines[0].Labels["run"]);
        Assert.All(live, m => Assert.Equal(0, m.DroppedSlow + m.DroppedUpstream));
    }

    [Fact]
    public async Task Tail_InvalidQuery_FailsWithLineAndColumn()
    {
        await using var connection = await ConnectAsync(await fixture.CreateApiKeyAsync());

        var error = await Assert.ThrowsAsync<HubException>(async () =>
        {
            await foreach (var _ in connection.StreamAsync<TailMessage>("Tail", "{job=\"x\"} |~ ", TestContext.Current.CancellationToken))
            {
            }
        });

        Assert.Contains("parse error at line 1, col ", error.Message);
    }

    [Fact]
    public async Task CancellingTheStream_ClosesTheUpstreamWhenNoOneElseWatches()
    {
        var broker = fixture.App.Services.GetRequiredService<TailBroker>();
        await using var connection = await ConnectAsync(await fixture.CreateApiKeyAsync());
        var query = $"{{run=\"{NewRun()}\"}}";
        using (var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken))
        {
            await using var stream = connection.StreamAsync<TailMessage>("Tail", query, cancel.Token).GetAsyncEnumerator(cancel.Token);
            await ReadUntilAsync(stream, m => m.Count > 0);
            Assert.True(Watched(broker, query));
            await cancel.CancelAsync();
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Watched(broker, query) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.False(Watched(broker, query));
    }

    private static bool Watched(TailBroker broker, string query) => broker.WatchedQueries.Contains(TailBroker.Normalize(query));
}
