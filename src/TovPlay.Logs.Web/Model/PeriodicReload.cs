namespace TovPlay.Logs.Web.Model;

/// <summary>
/// Reloads what a page shows every few seconds while it is open, for data that changes on its own (alert states,
/// evaluation times). The page passes its reload already marshalled onto its dispatcher; disposing stops the loop.
/// </summary>
public sealed class PeriodicReload : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PeriodicTimer _timer;

    private PeriodicReload(TimeSpan every) => _timer = new PeriodicTimer(every);

    public static PeriodicReload Start(TimeSpan every, Func<Task> reload)
    {
        var loop = new PeriodicReload(every);
        _ = loop.RunAsync(reload);
        return loop;
    }

    private async Task RunAsync(Func<Task> reload)
    {
        // The token is taken once: the loop may still be between two ticks when the page goes away.
        var stop = _stop.Token;
        try
        {
            while (await _timer.WaitForNextTickAsync(stop))
            {
                await reload();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _timer.Dispose();
    }
}
