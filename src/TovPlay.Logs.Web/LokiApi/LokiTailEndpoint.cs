using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.LokiApi;

/// <summary>
/// Loki's tail over a WebSocket: bad parameters are refused before the upgrade with a 400; a bad query is accepted and
/// then closed with 1011 and the reason; every frame holds one entry per stream object, and
/// <c>dropped_entries</c> appears only when the client was too slow to receive some.
/// </summary>
public static class LokiTailEndpoint
{
    /// <summary>Loki caps the dropped entries listed in one frame.</summary>
    public const int MaxDroppedPerFrame = 1000;

    public static async Task TailAsync(HttpContext context, ILogSource source, TimeProvider time, AccessRevalidator access, Tail.CallerTailLimit tails)
    {
        TailRequest request;
        try
        {
            var p = await LokiParameters.FromAsync(context.Request, time);
            request = new TailRequest(p.Query) { Limit = p.Limit, DelayFor = p.DelayFor, StartNs = p.Has("start") ? p.Start : null };
        }
        catch (LogSourceException ex)
        {
            await LokiText.WriteAsync(context, 400, ex.Message);
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await LokiText.WriteAsync(context, 400, "Bad Request");
            return;
        }

        using var place = tails.TryOpen(context.User);
        if (place is null)
        {
            context.Response.Headers.RetryAfter = "5";
            await LokiText.WriteAsync(context, 429, tails.Refusal);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);

        // The socket may stay open for hours: a revoked key or user loses it within the revalidation interval.
        using var watch = access.Watch(context.User, AppPolicies.LogRead, stop.Token);

        // The client sends nothing, but reading is how its close frame is noticed. The read is never cancelled
        // (that would abort the socket); it ends with the client's close or the connection.
        var watcher = WatchForCloseAsync(socket, stop, context.RequestAborted);
        var (status, reason) = (WebSocketCloseStatus.NormalClosure, "");
        try
        {
            await foreach (var batch in source.TailAsync(request, watch.Token))
            {
                await SendAsync(socket, batch, watch.Token);
            }
        }
        catch (OperationCanceledException) when (watch.Revoked)
        {
            (status, reason) = (WebSocketCloseStatus.PolicyViolation, "access revoked");
        }
        catch (LogSourceException ex)
        {
            (status, reason) = (WebSocketCloseStatus.InternalServerError, ex.Message);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The client went away or closed.
        }

        await CloseAsync(socket, status, reason);
        await Task.WhenAny(watcher, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
    }

    private static async Task SendAsync(WebSocket socket, TailBatch batch, CancellationToken cancellationToken)
    {
        var dropped = batch.Dropped;
        var first = true;
        do
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer, LokiJson.WriterOptions))
            {
                json.WriteStartObject();
                json.WriteStartArray("streams");
                if (first)
                {
                    foreach (var stream in batch.Streams)
                    {
                        foreach (var entry in stream.Entries)
                        {
                            LokiJson.WriteStream(json, new StreamResult(stream.Labels, [entry]));
                        }
                    }
                }

                json.WriteEndArray();
                if (dropped.Count > 0)
                {
                    json.WriteStartArray("dropped_entries");
                    foreach (var entry in dropped.Take(MaxDroppedPerFrame))
                    {
                        json.WriteStartObject();
                        json.WriteString("timestamp", entry.TimestampNs.ToString(CultureInfo.InvariantCulture));
                        LokiJson.WriteLabels(json, "labels", entry.Labels);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            await socket.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Text, true, cancellationToken);
            dropped = [.. dropped.Skip(MaxDroppedPerFrame)];
            first = false;
        }
        while (dropped.Count > 0);
    }

    private static async Task WatchForCloseAsync(WebSocket socket, CancellationTokenSource stop, CancellationToken aborted)
    {
        var buffer = new byte[256];
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var received = await socket.ReceiveAsync(buffer, aborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }

        await stop.CancelAsync();
    }

    private static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                // A close reason is limited to 123 bytes of UTF-8 by the protocol.
                var clipped = reason;
                while (System.Text.Encoding.UTF8.GetByteCount(clipped) > 123)
                {
                    clipped = clipped[..^1];
                }

                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.CloseOutputAsync(status, clipped, timeout.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
            {
            }
        }
    }
}
