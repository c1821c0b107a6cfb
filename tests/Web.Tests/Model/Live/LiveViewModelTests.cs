using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Model.Live;
using TovPlay.Logs.Web.Tail;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Model.Live;

public sealed class LiveViewModelTests : IAsyncDisposable
{
    private readonly ScriptedTailSource _source = new();
    private readonly TailBroker _broker;
    private readonly LiveViewModel _model;

    public LiveViewModelTests()
    {
        _broker = new TailBroker(_source, Options.Create(new TailOptions()), TimeProvider.System, NullLogger<TailBroker>.Instance);
        _model = new LiveViewModel(_broker);
    }

    public async ValueTask DisposeAsync()
    {
        _model.Dispose();
        await _broker.DisposeAsync();
    }

    /// <summary>Drains until <paramref name="done"/>, as the page does on each render.</summary>
    private async Task DrainUntilAsync(Func<bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            _model.Drain();
            if (done())
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Start_LinesReachTheScreenOnlyWhenDrained_AndLossesAreSummed()
    {
        _model.Editor.SetQuery("{job=\"api\"}");
        _model.Start();
        var call = await _source.NextCallAsync();

        call.Send(("api", 1, "one"), ("api", 2, "two"));
        call.Send(new TailBatch([], []) { DroppedCount = 4 });
        await DrainUntilAsync(() => _model.Lines.Shown.Count == 2 && _model.DroppedUpstream == 4);

        Assert.Equal(["one", "two"], _model.Lines.Shown.Select(l => l.Source.Line));
        Assert.Equal([1L, 2L], _model.Lines.Shown.Select(l => l.Sequence));
        Assert.Equal(TailConnectionState.Live, _model.Status.State);
    }

    [Fact]
    public async Task Stop_LeavesTheTail()
    {
        _model.Editor.SetQuery("{job=\"api\"}");
        _model.Start();
        var call = await _source.NextCallAsync();

        _model.Stop();

        await call.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(0, _broker.UpstreamCount);
        Assert.Equal(TailConnectionState.Stopped, _model.Status.State);
    }

    [Fact]
    public async Task Restart_WithANewQuery_ShowsNothingOfTheOldTail()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _model.Editor.SetQuery("{job=\"old\"}");
        _model.Start();
        var old = await _source.NextCallAsync();
        old.Send(("old", 1, "from the old query"));
        _model.Changed += () =>
        {
            if (_model.Status.State == TailConnectionState.Live)
            {
                arrived.TrySetResult();
            }
        };
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // As the page does on a new query: clear, then start the new tail (the old lines sat undrained).
        _model.Editor.SetQuery("{job=\"new\"}");
        _model.Clear();
        _model.Start();
        var fresh = await _source.NextCallAsync();
        fresh.Send(("new", 2, "from the new query"));
        await DrainUntilAsync(() => _model.Lines.Shown.Count > 0);

        Assert.Equal(["from the new query"], _model.Lines.Shown.Select(l => l.Source.Line));
    }

    [Fact]
    public async Task StopThenStart_TheSameQuery_ShowsEachLineOnce_ThoughTheNewTailSendsItsRecentLinesAgain()
    {
        _model.Editor.SetQuery("{job=\"api\"}");
        _model.Start();
        var first = await _source.NextCallAsync();
        first.Send(("api", 1, "one"), ("api", 2, "two"), ("api", 2, "two bis"));
        await DrainUntilAsync(() => _model.Lines.Shown.Count == 3);

        _model.Pause();
        _model.Stop();
        Assert.False(_model.Lines.Paused);
        _model.Start();
        var second = await _source.NextCallAsync();
        // A new tail starts with the recent lines, the ones already shown among them, then what is new.
        second.Send(("api", 1, "one"), ("api", 2, "two"), ("api", 2, "two bis"), ("api", 2, "two ter"), ("api", 3, "three"));
        await DrainUntilAsync(() => _model.Lines.Shown.Count >= 5);

        Assert.Equal(["one", "two", "two bis", "two ter", "three"], _model.Lines.Shown.Select(l => l.Source.Line));
    }
}
