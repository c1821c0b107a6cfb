using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Tail;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Tail;

public sealed class TailBrokerTests : IAsyncDisposable
{
    private readonly ScriptedTailSource _source = new();
    private readonly TailBroker _broker;

    public TailBrokerTests()
    {
        _broker = Broker(new TailOptions());
    }

    private TailBroker Broker(TailOptions options)
    {
        options.MinReconnectDelay = TimeSpan.FromMilliseconds(10);
        options.MaxReconnectDelay = TimeSpan.FromMilliseconds(50);
        return new TailBroker(_source, Options.Create(options), TimeProvider.System, NullLogger<TailBroker>.Instance);
    }

    public async ValueTask DisposeAsync() => await _broker.DisposeAsync();

    /// <summary>Reads until <paramref name="done"/> holds for what was gathered, with a time limit.</summary>
    private static async Task<List<TailUpdate>> ReadUntilAsync(TailViewer viewer, Func<List<TailUpdate>, bool> done)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var updates = new List<TailUpdate>();
        while (!done(updates))
        {
            updates.Add(await viewer.ReadAsync(timeout.Token) ?? throw new InvalidOperationException("the tail ended"));
        }

        return updates;
    }

    private static List<string> Lines(IEnumerable<TailUpdate> updates) => [.. updates.SelectMany(u => u.Lines).Select(l => l.Line)];

    [Fact]
    public async Task Subscribe_SameQueryInAnotherSpelling_SharesOneUpstream()
    {
        using var first = _broker.Subscribe("{job=\"api\"} |= \"x\"");
        using var second = _broker.Subscribe("{ job = \"api\" }  |=  \"x\"");
        using var other = _broker.Subscribe("{job=\"web\"}");
        var calls = new[] { await _source.NextCallAsync(), await _source.NextCallAsync() };

        Assert.Equal(2, _broker.UpstreamCount);
        Assert.Equal(first.Query, second.Query);
        Assert.Equal(["{job=\"api\"} |= \"x\"", "{job=\"web\"}"], calls.Select(c => c.Request.Query).Order(StringComparer.Ordinal));
        Assert.False(_source.HasPendingCall);
    }

    [Fact]
    public async Task Leave_LastViewer_ClosesTheUpstream()
    {
        var first = _broker.Subscribe("{job=\"api\"}");
        var second = _broker.Subscribe("{job=\"api\"}");
        var call = await _source.NextCallAsync();

        first.Dispose();
        Assert.Equal(1, _broker.UpstreamCount);
        Assert.False(call.Closed.Task.IsCompleted);

        second.Dispose();
        await call.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(0, _broker.UpstreamCount);
        Assert.Equal(0, _source.OpenTails);
    }

    [Fact]
    public async Task Lines_FanOutToEveryViewer_InTimeOrder_AndLateJoinersGetRecentHistory()
    {
        using var first = _broker.Subscribe("{job=\"api\"}");
        using var second = _broker.Subscribe("{job=\"api\"}");
        var call = await _source.NextCallAsync();
        call.Send(("api", 20, "b"), ("api", 10, "a"));
        call.Send(("api", 30, "c"));

        var toFirst = await ReadUntilAsync(first, u => Lines(u).Count == 3);
        var toSecond = await ReadUntilAsync(second, u => Lines(u).Count == 3);
        using var late = _broker.Subscribe("{job=\"api\"}");
        var toLate = await ReadUntilAsync(late, u => Lines(u).Count == 3);

        Assert.Equal(["a", "b", "c"], Lines(toFirst));
        Assert.Equal(["a", "b", "c"], Lines(toSecond));
        Assert.Equal(["a", "b", "c"], Lines(toLate));
        Assert.Equal(TailConnectionState.Live, toFirst.Last(u => u.Status is not null).Status!.State);
    }

    [Fact]
    public async Task SlowViewer_LosesTheOldestLines_AndEveryLossIsCounted()
    {
        await using var broker = Broker(new TailOptions { HistoryLines = 0 });
        using var slow = broker.Subscribe("{job=\"api\"}", bufferLines: 10);
        using var fast = broker.Subscribe("{job=\"api\"}", bufferLines: 1000);
        var call = await _source.NextCallAsync();
        for (var i = 0; i < 25; i++)
        {
            call.Send(("api", 100 + i, $"line {i}"));
        }

        var toFast = await ReadUntilAsync(fast, u => Lines(u).Count == 25);
        var toSlow = await ReadUntilAsync(slow, u => Lines(u).Count + u.Sum(x => x.DroppedSlow) == 25);

        Assert.Equal(Enumerable.Range(15, 10).Select(i => $"line {i}"), Lines(toSlow));
        Assert.Equal(15, toSlow.Sum(u => u.DroppedSlow));
        Assert.Equal(15, slow.TotalDroppedSlow);
        Assert.Equal(0, toFast.Sum(u => u.Dropped));
    }

    [Fact]
    public async Task UpstreamDrops_AreReportedToEveryViewer()
    {
        using var viewer = _broker.Subscribe("{job=\"api\"}");
        var call = await _source.NextCallAsync();
        call.Send(new TailBatch([], []) { DroppedCount = 7 });

        var updates = await ReadUntilAsync(viewer, u => u.Sum(x => x.DroppedUpstream) == 7);

        Assert.Equal(7, viewer.TotalDroppedUpstream);
        Assert.Equal(0, updates.Sum(u => u.DroppedSlow));
    }

    [Fact]
    public async Task UpstreamFailure_Reconnects_ResumesFromTheLastTimestamp_WithoutRepeats()
    {
        using var viewer = _broker.Subscribe("{job=\"api\"}");
        var first = await _source.NextCallAsync();
        first.Send(("api", 10, "a"), ("api", 20, "b"), ("api", 30, "c1"));
        await ReadUntilAsync(viewer, u => Lines(u).Count == 3);
        first.Fail(new IOException("connection reset by peer"));

        var reconnecting = await ReadUntilAsync(viewer, u => u.Any(x => x.Status?.State == TailConnectionState.Reconnecting));
        var second = await _source.NextCallAsync();
        // The resumed tail repeats the instant it starts at; only what is new there may pass.
        second.Send(("api", 20, "b"), ("api", 30, "c1"), ("api", 30, "c2"), ("api", 40, "d"));
        var resumed = await ReadUntilAsync(viewer, u => Lines(u).Count == 2);

        Assert.Equal("connection reset by peer", reconnecting.Last().Status!.Reason);
        Assert.Equal(30, second.Request.StartNs);
        Assert.Equal(["c2", "d"], Lines(resumed));
        Assert.Equal(TailConnectionState.Live, viewer.Status.State);
    }

    [Fact]
    public async Task LateEntryOlderThanTheNewest_IsStillDelivered()
    {
        using var viewer = _broker.Subscribe("{job=\"api\"}");
        var call = await _source.NextCallAsync();
        call.Send(("api", 50, "newest"));
        call.Send(("api", 40, "late but accepted by the store"));

        var updates = await ReadUntilAsync(viewer, u => Lines(u).Count == 2);

        Assert.Equal(["newest", "late but accepted by the store"], Lines(updates));
    }

    [Theory]
    [InlineData(LogSourceError.Unauthorized, TailConnectionState.Unauthorized)]
    [InlineData(LogSourceError.TooManyRequests, TailConnectionState.Unavailable)]
    [InlineData(LogSourceError.Unavailable, TailConnectionState.Unavailable)]
    [InlineData(LogSourceError.Internal, TailConnectionState.Reconnecting)]
    public async Task SourceRefusal_ShowsItsStateAndReason_AndIsRetried(LogSourceError error, TailConnectionState expected)
    {
        using var viewer = _broker.Subscribe("{job=\"api\"}");
        var first = await _source.NextCallAsync();
        first.Fail(new LogSourceException(error, "max concurrent tail requests limit exceeded"));

        var updates = await ReadUntilAsync(viewer, u => u.Any(x => x.Status?.State == expected));
        var retry = await _source.NextCallAsync();
        retry.Send(("api", 1, "back"));
        await ReadUntilAsync(viewer, u => Lines(u).Contains("back"));

        Assert.Equal("max concurrent tail requests limit exceeded", updates.Last().Status!.Reason);
        Assert.Equal(TailConnectionState.Live, viewer.Status.State);
    }

    [Fact]
    public async Task SourceReportsItsOwnReconnect_ViewerSeesReconnectingThenLive()
    {
        using var viewer = _broker.Subscribe("{job=\"api\"}");
        var call = await _source.NextCallAsync();
        call.Send(("api", 1, "a"));
        call.Send(TailBatch.Interrupted("Loki's tail connection ended; reconnecting"));
        var interrupted = await ReadUntilAsync(viewer, u => u.Any(x => x.Status?.State == TailConnectionState.Reconnecting));
        call.Send(new TailBatch([], []) { Resumed = true });
        await ReadUntilAsync(viewer, u => u.Any(x => x.Status?.State == TailConnectionState.Live));

        Assert.Equal("Loki's tail connection ended; reconnecting", interrupted.Last(u => u.Status is not null).Status!.Reason);
        Assert.False(_source.HasPendingCall);
    }

    [Fact]
    public async Task BadRequestFromTheSource_StopsTheTail_AndReadsEnd()
    {
        var viewer = _broker.Subscribe("{job=\"api\"}");
        var call = await _source.NextCallAsync();
        call.Fail(new LogSourceException(LogSourceError.BadRequest, "max entries limit per query exceeded"));

        var updates = new List<TailUpdate>();
        await foreach (var update in viewer.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            updates.Add(update);
        }

        Assert.Equal(new TailStatus(TailConnectionState.Stopped, "max entries limit per query exceeded"), updates.Last().Status);
        viewer.Dispose();
        Assert.Equal(0, _broker.UpstreamCount);
    }

    [Fact]
    public void Subscribe_InvalidQuery_SaysLineAndColumn()
    {
        var error = Assert.Throws<LogQLSyntaxException>(() => _broker.Subscribe("{job=\"api\"} |= "));

        Assert.StartsWith("parse error at line 1, col ", error.Message);
        Assert.Equal(0, _broker.UpstreamCount);
    }

    [Fact]
    public void Subscribe_MetricQuery_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => _broker.Subscribe("count_over_time({job=\"api\"}[1m])"));

        Assert.Contains("only log queries can be tailed", error.Message);
    }
}
