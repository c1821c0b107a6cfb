using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Observability;

public sealed class TelemetryTests(WebAppFixture fixture)
{
    [Fact]
    public async Task RequestLog_CarriesCorrelationIdAndTraceId()
    {
        var sink = new CapturingSink();
        await using var app = new TestApp(fixture.Database.ConnectionString,
            new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" },
            services => services.AddSingleton<ILogEventSink>(sink));
        using var client = new HttpClient { BaseAddress = app.AppUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, "account/login");
        request.Headers.Add("X-Correlation-ID", "c0ffee00-1111-2222-3333-444455556666");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var completed = Assert.Single(sink.Events, e =>
            e.MessageTemplate.Text.StartsWith("HTTP", StringComparison.Ordinal)
            && CapturingSink.Scalar(e, "correlation_id") == "c0ffee00-1111-2222-3333-444455556666");
        Assert.Equal("/account/login", CapturingSink.Scalar(completed, "RequestPath"));
        Assert.Matches("^[0-9a-f]{32}$", CapturingSink.Scalar(completed, "trace_id") ?? "");
        Assert.Equal(CapturingSink.Scalar(completed, "trace_id"), completed.TraceId?.ToHexString());
    }

    [Fact]
    public async Task Otlp_EndpointSet_ExportsTracesWithServiceName()
    {
        await using var collector = await FakeOtlpCollector.StartAsync();
        await using var app = new TestApp(fixture.Database.ConnectionString, new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        using var client = new HttpClient { BaseAddress = app.AppUri };
        using var response = await client.GetAsync("account/login", TestContext.Current.CancellationToken);

        // Start-up spans (migrations) may come first; wait for the batch that holds the request's span.
        var traces = await WaitForAsync(collector, "/v1/traces", r => Encoding.UTF8.GetString(r.Body).Contains("account/login", StringComparison.Ordinal));

        Assert.Equal("application/x-protobuf", traces.ContentType);
        Assert.Contains("tovplay-logs", Encoding.UTF8.GetString(traces.Body), StringComparison.Ordinal);
        await WaitForAsync(collector, "/v1/metrics", _ => true);
    }

    [Fact]
    public async Task Otlp_EndpointUnset_ExportsNothing()
    {
        // The shared app runs without OTEL_EXPORTER_OTLP_ENDPOINT: no OpenTelemetry provider is registered.
        var provider = fixture.App.Services.GetService(typeof(OpenTelemetry.Trace.TracerProvider));

        Assert.Null(provider);
        using var client = fixture.App.CreateBrowserLikeClient();
        using var response = await client.GetAsync("healthz", TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode);
    }

    private static async Task<OtlpRequest> WaitForAsync(FakeOtlpCollector collector, string path, Func<OtlpRequest, bool> match)
    {
        // Exporters batch on a timer; wait for the first export, bounded so a broken exporter fails the test.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var hit = collector.Received.FirstOrDefault(r => r.Path == path && match(r));
            if (hit is not null)
            {
                return hit;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        throw new Xunit.Sdk.XunitException($"The collector received nothing matching on {path} within 20 s; it got: {string.Join(", ", collector.Received.Select(r => r.Path))}");
    }
}
