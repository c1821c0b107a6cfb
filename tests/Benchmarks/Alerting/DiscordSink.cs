using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TovPlay.Logs.Benchmarks.Alerting;

/// <summary>A Discord webhook stand-in on loopback that notes when each message arrived, by the title it carried.</summary>
public sealed class DiscordSink : IAsyncDisposable
{
    public const string WebhookPath = "api/webhooks/123456789012345678/bench-token_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV";

    private readonly WebApplication _app;

    private DiscordSink(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public string WebhookUrl => new Uri(Address, WebhookPath).ToString();

    /// <summary>Each message's embed title and when it arrived.</summary>
    public ConcurrentQueue<(string Title, DateTimeOffset At)> Arrived { get; } = new();

    public static async Task<DiscordSink> StartAsync()
    {
        DiscordSink? sink = null;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "DiscordSink" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/api/webhooks/{id}/{token}", async (HttpContext context) =>
        {
            var at = DateTimeOffset.UtcNow;
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var title = body.RootElement.GetProperty("embeds")[0].GetProperty("title").GetString() ?? "";
            sink!.Arrived.Enqueue((title, at));
            context.Response.StatusCode = 200;
            await context.Response.WriteAsync("""{"id":"1","type":0}""");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        sink = new DiscordSink(app, new Uri(address.TrimEnd('/') + "/"));
        return sink;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
