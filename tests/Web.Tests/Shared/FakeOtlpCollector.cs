using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TovPlay.Logs.Web.Tests.Shared;

public sealed record OtlpRequest(string Path, string? ContentType, byte[] Body);

/// <summary>
/// Stands in for an OpenTelemetry collector: accepts OTLP over HTTP (protobuf) on 127.0.0.1 and answers
/// as a collector does (200 with an empty export response), keeping what it received.
/// </summary>
public sealed class FakeOtlpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeOtlpCollector(WebApplication app) => _app = app;

    public ConcurrentQueue<OtlpRequest> Received { get; } = new();

    public Uri Endpoint { get; private init; } = null!;

    public static async Task<FakeOtlpCollector> StartAsync()
    {
        FakeOtlpCollector? collector = null;
        var (app, address) = await LoopbackServer.StartAsync("OtlpCollector", app =>
        {
            foreach (var signal in new[] { "traces", "metrics", "logs" })
            {
                app.MapPost($"/v1/{signal}", async (HttpContext context) =>
                {
                    using var body = new MemoryStream();
                    await context.Request.Body.CopyToAsync(body);
                    collector!.Received.Enqueue(new OtlpRequest(context.Request.Path, context.Request.ContentType, body.ToArray()));
                    return Results.Bytes([], "application/x-protobuf");
                });
            }
        });
        collector = new FakeOtlpCollector(app) { Endpoint = address };
        return collector;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
