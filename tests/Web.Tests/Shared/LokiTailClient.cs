using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>A WebSocket client of the tail endpoint, reading Loki's frames.</summary>
public sealed class LokiTailClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

    private LokiTailClient()
    {
    }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseReason => _socket.CloseStatusDescription;

    public static async Task<LokiTailClient> ConnectAsync(TestApp app, string token, string query)
    {
        var client = new LokiTailClient();
        client._socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        var uri = new UriBuilder(new Uri(app.AppUri, "loki/api/v1/tail")) { Scheme = "ws", Query = query };
        await client._socket.ConnectAsync(uri.Uri, TestContext.Current.CancellationToken);
        return client;
    }

    /// <summary>The next frame, or null when the server closed the socket.</summary>
    public async Task<JsonElement?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(Encoding.UTF8.GetString(message.ToArray())).RootElement.Clone();
            }
        }
    }

    /// <summary>The lines of a frame, in frame order.</summary>
    public static List<string> Lines(JsonElement frame) =>
        [.. frame.GetProperty("streams").EnumerateArray().SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => v[1].GetString()!))];

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        _socket.Dispose();
    }
}
