using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>
/// Stands in for a real Loki 2.8 by replaying the responses recorded from one (tests/Fixtures/loki-2.8.0): each
/// request gets the next scripted recording, byte for byte, with its recorded status and content type; a request for
/// another path than the recording's gets Loki's own 404, as the real one would answer it. Requests are kept for the
/// test to inspect.
/// </summary>
public sealed partial class FakeLoki : IAsyncDisposable
{
    private static readonly string s_dir = Path.Combine(AppContext.BaseDirectory, "fixtures", "loki-2.8.0");

    private readonly ConcurrentQueue<Func<HttpContext, Task>> _script = new();
    private WebApplication? _app;

    public Uri Address { get; private set; } = null!;

    public ConcurrentQueue<(string PathAndQuery, IHeaderDictionary Headers, string Body)> Requests { get; } = new();

    public static async Task<FakeLoki> StartAsync()
    {
        var fake = new FakeLoki();
        (fake._app, fake.Address) = await LoopbackServer.StartAsync("FakeLoki", app =>
        {
            app.UseWebSockets();
            app.Run(fake.HandleAsync);
        });
        return fake;
    }

    /// <summary>The next request gets this recording.</summary>
    public FakeLoki Replay(string name)
    {
        _script.Enqueue(Recording(name));
        return this;
    }

    /// <summary>The next request waits for <paramref name="gate"/>, then gets this recording (a slow query).</summary>
    public FakeLoki Hold(Task gate, string name)
    {
        var answer = Recording(name);
        _script.Enqueue(async context =>
        {
            await gate;
            await answer(context);
        });
        return this;
    }

    private static Func<HttpContext, Task> Recording(string name)
    {
        var body = File.ReadAllBytes(Path.Combine(s_dir, name + ".json"));
        var meta = File.ReadAllText(Path.Combine(s_dir, name + ".txt"));
        var status = int.Parse(StatusLine().Match(meta).Groups[1].Value);
        var path = new Uri(RequestLine().Match(meta).Groups[1].Value).AbsolutePath;
        var headers = HeadersLine().Match(meta) is { Success: true } h ? JsonDocument.Parse(h.Groups[1].Value).RootElement : default;
        var contentType = headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty("Content-Type", out var ct) ? ct.GetString() : null;
        return async context =>
        {
            if (context.Request.Path != path)
            {
                context.Response.StatusCode = 404;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("404 page not found\n");
                return;
            }

            context.Response.StatusCode = status;
            if (contentType is not null)
            {
                context.Response.ContentType = contentType;
            }

            await context.Response.Body.WriteAsync(body);
        };
    }

    /// <summary>The next request gets a bare status (a Loki behind a failing proxy).</summary>
    public FakeLoki Fail(int status)
    {
        _script.Enqueue(context =>
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        });
        return this;
    }

    /// <summary>The next request is a tail: it gets these recorded frames, then a close (1011 with a reason, or normal).</summary>
    public FakeLoki ReplayTail(IEnumerable<string> frames, WebSocketCloseStatus close = WebSocketCloseStatus.NormalClosure, string reason = "")
    {
        var texts = frames.Select(f => File.ReadAllBytes(Path.Combine(s_dir, f + ".json"))).ToList();
        _script.Enqueue(async context =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            foreach (var text in texts)
            {
                await socket.SendAsync(text, WebSocketMessageType.Text, true, context.RequestAborted);
            }

            await socket.CloseOutputAsync(close, reason, context.RequestAborted);
            var buffer = new byte[64];
            try
            {
                while ((await socket.ReceiveAsync(buffer, context.RequestAborted)).MessageType != WebSocketMessageType.Close)
                {
                }
            }
            catch (WebSocketException)
            {
            }
        });
        return this;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        // A copy: Kestrel reuses the request's header collection once the request ends.
        Requests.Enqueue((context.Request.Path + context.Request.QueryString, new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value)), body));
        if (_script.TryDequeue(out var answer))
        {
            await answer(context);
        }
        else
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("the fake Loki has no recording scripted for this request");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [GeneratedRegex(@"^(?:GET|POST) (\S+)", RegexOptions.Multiline)]
    private static partial Regex RequestLine();

    [GeneratedRegex(@"^response status: (\d+)", RegexOptions.Multiline)]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^response headers: (\{.*\})$", RegexOptions.Multiline)]
    private static partial Regex HeadersLine();
}
