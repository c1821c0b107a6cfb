namespace TovPlay.Logs.Web.Model;

/// <summary>
/// At most one render per interval however often it is asked for: a request while one is queued is dropped, and a
/// request soon after a render waits out the rest of the interval. Live views ask on every batch and stay cheap.
/// </summary>
public sealed class RenderThrottle(TimeSpan interval, Func<Task> render, TimeProvider? time = null) : IDisposable
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly CancellationTokenSource _disposed = new();
    private long _lastRender;
    private int _queued;

    public void Request()
    {
        if (_disposed.IsCancellationRequested || Interlocked.Exchange(ref _queued, 1) == 1)
        {
            return;
        }

        var wait = interval - _time.GetElapsedTime(Interlocked.Read(ref _lastRender));
        _ = RenderAfterAsync(wait);
    }

    private async Task RenderAfterAsync(TimeSpan wait)
    {
        try
        {
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, _disposed.Token);
            }

            Interlocked.Exchange(ref _lastRender, _time.GetTimestamp());
            // Cleared before rendering: what arrives during the render gets a render of its own.
            Volatile.Write(ref _queued, 0);
            await render();
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
            // The component went away between the request and the render.
        }
    }

    public void Dispose() => _disposed.Cancel();
}
