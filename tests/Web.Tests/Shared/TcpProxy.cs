using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>
/// A TCP relay in front of the test PostgreSQL that can be cut and restored: to the app, a cut looks exactly like the
/// database going down (open connections reset, new ones refused), without stopping the cluster other tests share.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<TcpClient, bool> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private TcpListener _listener;
    private Task _accepting;

    private TcpProxy(IPEndPoint target)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(_listener);
    }

    public int Port { get; }

    public static TcpProxy Start(string host, int port) => new(new IPEndPoint(IPAddress.Parse(host == "localhost" ? "127.0.0.1" : host), port));

    /// <summary>Resets every open connection and refuses new ones.</summary>
    public async Task CutAsync()
    {
        _listener.Stop();
        await _accepting;
        foreach (var client in _open.Keys)
        {
            try
            {
                // Linger 0: the close is a reset, as when the server process dies.
                client.Client?.LingerState = new LingerOption(true, 0);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
            }

            client.Dispose();
        }

        _open.Clear();
    }

    /// <summary>Accepts connections again, on the same port.</summary>
    public void Restore()
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _accepting = AcceptAsync(_listener);
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient incoming;
            try
            {
                incoming = await listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                return;
            }

            _ = RelayAsync(incoming);
        }
    }

    private async Task RelayAsync(TcpClient incoming)
    {
        var outgoing = new TcpClient();
        _open[incoming] = true;
        _open[outgoing] = true;
        try
        {
            await outgoing.ConnectAsync(_target, _stop.Token);
            var a = incoming.GetStream().CopyToAsync(outgoing.GetStream(), _stop.Token);
            var b = outgoing.GetStream().CopyToAsync(incoming.GetStream(), _stop.Token);
            await Task.WhenAny(a, b);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _open.TryRemove(incoming, out _);
            _open.TryRemove(outgoing, out _);
            incoming.Dispose();
            outgoing.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var client in _open.Keys)
        {
            client.Dispose();
        }

        await _accepting;
        _stop.Dispose();
    }
}
