using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>One POST the fake took, with what it answered.</summary>
public sealed record DiscordRequest(DateTimeOffset At, string Path, string Query, JsonElement Body, int Status);

/// <summary>What the fake answers next: Discord's success, its 429, a server error, a slow answer, an unknown webhook.</summary>
public abstract record DiscordReply
{
    public sealed record Ok : DiscordReply;

    public sealed record RateLimited(double RetryAfterSeconds) : DiscordReply;

    public sealed record ServerError(int Status = 500) : DiscordReply;

    public sealed record Slow(TimeSpan Delay) : DiscordReply;

    public sealed record UnknownWebhook : DiscordReply;
}

/// <summary>
/// Stands in for Discord's execute-webhook endpoint on 127.0.0.1: checks each body against Discord's limits (400 with
/// Discord's "Invalid Form Body" otherwise), answers 200 with the created message when asked to wait (204 if not),
/// sends rate-limit headers, and plays scripted failures in order. It keeps every request it was sent.
/// </summary>
public sealed class FakeDiscord : IAsyncDisposable
{
    public const string WebhookPath = "api/webhooks/123456789012345678/fake-token_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV";

    private readonly WebApplication _app;
    private long _messageId = 1_100_000_000_000_000_000;

    private FakeDiscord(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>host:port, for Alerting:WebhookHosts.</summary>
    public string Authority => Address.Authority;

    public string WebhookUrl => new Uri(Address, WebhookPath).ToString();

    public ConcurrentQueue<DiscordReply> Script { get; } = new();

    public ConcurrentQueue<DiscordRequest> Requests { get; } = new();

    /// <summary>The messages Discord accepted (2xx).</summary>
    public IReadOnlyList<DiscordRequest> Delivered => [.. Requests.Where(r => r.Status is >= 200 and < 300)];

    public static async Task<FakeDiscord> StartAsync()
    {
        FakeDiscord? fake = null;
        var (app, address) = await LoopbackServer.StartAsync("FakeDiscord", app =>
            app.MapPost("/api/webhooks/{id}/{token}", (HttpContext context) => fake!.HandleAsync(context)));
        fake = new FakeDiscord(app, address);
        return fake;
    }

    /// <summary>Waits until <paramref name="done"/> holds of the accepted messages (a state, not a time), or fails after a generous bound.</summary>
    public async Task<IReadOnlyList<DiscordRequest>> WaitForAsync(Func<IReadOnlyList<DiscordRequest>, bool> done, TimeSpan? within = null)
    {
        var until = DateTimeOffset.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (!done(Delivered))
        {
            if (DateTimeOffset.UtcNow > until)
            {
                Assert.Fail($"Discord did not get what was expected; it got {Requests.Count} request(s): " +
                    string.Join(" | ", Requests.Select(r => $"{r.Status} {Title(r)}")));
            }

            await Task.Delay(50);
        }

        return Delivered;
    }

    public static string Title(DiscordRequest request) =>
        request.Body.TryGetProperty("embeds", out var embeds) && embeds.GetArrayLength() > 0 ? embeds[0].GetProperty("title").GetString() ?? "" : "";

    public static int Color(DiscordRequest request) => request.Body.GetProperty("embeds")[0].GetProperty("color").GetInt32();

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync();
        JsonElement body;
        try
        {
            body = JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            await Answer(context, default, 400, """{"message": "Cannot send an empty message", "code": 50006}""");
            return;
        }

        var reply = Script.TryDequeue(out var next) ? next : new DiscordReply.Ok();
        if (reply is DiscordReply.Slow slow)
        {
            await Task.Delay(slow.Delay, context.RequestAborted);
        }

        switch (reply)
        {
            case DiscordReply.RateLimited limited:
                context.Response.Headers["Retry-After"] = Math.Ceiling(limited.RetryAfterSeconds).ToString(CultureInfo.InvariantCulture);
                context.Response.Headers["X-RateLimit-Limit"] = "5";
                context.Response.Headers["X-RateLimit-Remaining"] = "0";
                context.Response.Headers["X-RateLimit-Reset-After"] = limited.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                context.Response.Headers["X-RateLimit-Scope"] = "user";
                await Answer(context, body, 429, JsonSerializer.Serialize(new { message = "You are being rate limited.", retry_after = limited.RetryAfterSeconds, global = false }));
                return;
            case DiscordReply.ServerError error:
                await Answer(context, body, error.Status, """{"message": "500: Internal Server Error", "code": 0}""");
                return;
            case DiscordReply.UnknownWebhook:
                await Answer(context, body, 404, """{"message": "Unknown Webhook", "code": 10015}""");
                return;
        }

        if (LimitProblem(body) is { } problem)
        {
            await Answer(context, body, 400, JsonSerializer.Serialize(new { message = "Invalid Form Body", code = 50035, errors = problem }));
            return;
        }

        context.Response.Headers["X-RateLimit-Limit"] = "5";
        context.Response.Headers["X-RateLimit-Remaining"] = "4";
        context.Response.Headers["X-RateLimit-Reset-After"] = "1";
        if (context.Request.Query["wait"] == "true")
        {
            var id = Interlocked.Increment(ref _messageId);
            await Answer(context, body, 200, JsonSerializer.Serialize(new { id = id.ToString(CultureInfo.InvariantCulture), type = 0, channel_id = "223456789012345678", webhook_id = "123456789012345678" }));
        }
        else
        {
            await Answer(context, body, 204, null);
        }
    }

    private async Task Answer(HttpContext context, JsonElement body, int status, string? json)
    {
        Requests.Enqueue(new DiscordRequest(DateTimeOffset.UtcNow, context.Request.Path, context.Request.QueryString.Value ?? "", body, status));
        context.Response.StatusCode = status;
        if (json is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(json);
        }
    }

    /// <summary>Discord's documented limits on a webhook message.</summary>
    private static string? LimitProblem(JsonElement body)
    {
        var content = body.TryGetProperty("content", out var c) ? c.GetString() ?? "" : "";
        if (content.Length > 2000)
        {
            return "content: Must be 2000 or fewer in length.";
        }

        if (!body.TryGetProperty("embeds", out var embeds))
        {
            return content.Length == 0 ? "Cannot send an empty message" : null;
        }

        if (embeds.GetArrayLength() > 10)
        {
            return "embeds: Must be 10 or fewer in length.";
        }

        var total = 0;
        foreach (var embed in embeds.EnumerateArray())
        {
            int Length(string name, int max, ref int sum)
            {
                var value = embed.TryGetProperty(name, out var v) ? v.GetString() ?? "" : "";
                sum += value.Length;
                return value.Length > max ? -1 : value.Length;
            }

            if (Length("title", 256, ref total) < 0 || Length("description", 4096, ref total) < 0)
            {
                return "embeds.0: title or description too long";
            }

            if (embed.TryGetProperty("fields", out var fields))
            {
                if (fields.GetArrayLength() > 25)
                {
                    return "embeds.0.fields: Must be 25 or fewer in length.";
                }

                foreach (var field in fields.EnumerateArray())
                {
                    var name = field.GetProperty("name").GetString() ?? "";
                    var value = field.GetProperty("value").GetString() ?? "";
                    if (name.Length is 0 or > 256 || value.Length is 0 or > 1024)
                    {
                        return "embeds.0.fields: name 1-256, value 1-1024";
                    }

                    total += name.Length + value.Length;
                }
            }

            if (embed.TryGetProperty("footer", out var footer))
            {
                total += footer.GetProperty("text").GetString()?.Length ?? 0;
            }
        }

        return total > 6000 ? "embeds: Embed size exceeds maximum size of 6000" : null;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
