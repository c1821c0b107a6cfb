using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace TovPlay.Logs.Web.Observability;

public static class ObservabilityServices
{
    public const string ServiceName = "tovplay-logs";

    public static WebApplicationBuilder AddAppObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("service", ServiceName)
            .WriteTo.Console(new RenderedCompactJsonFormatter()),
            // Each host keeps its own logger; the static Log.Logger is never replaced behind anyone's back.
            preserveStaticLogger: true);

        builder.Services.AddHealthChecks()
            .AddCheck<AppDatabaseHealthCheck>("app-database", tags: [HealthEndpoints.ReadyTag]);

        AddOpenTelemetry(builder);
        return builder;
    }

    /// <summary>Where Prometheus scrapes the app's metrics (under the path base: <c>/logs/metrics</c>), with a read key.</summary>
    public const string MetricsPath = "/metrics";

    private static void AddOpenTelemetry(WebApplicationBuilder builder)
    {
        // Metrics are always kept, for the scraping endpoint; traces and the OTLP export only with a collector, since
        // without one the SDK would retry against localhost:4317 forever.
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(
                serviceName: builder.Configuration["OTEL_SERVICE_NAME"] ?? ServiceName,
                serviceVersion: typeof(ObservabilityServices).Assembly.GetName().Version?.ToString()))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Npgsql")
                .AddMeter(Alerting.AlertingMetrics.MeterName)
                .AddMeter(Ingest.FrontendIngestMetrics.MeterName)
                .AddPrometheusExporter());
        var endpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return;
        }

        telemetry
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !HealthEndpoints.IsHealthPath(ctx.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .UseOtlpExporter();
    }

    /// <summary>The Prometheus text exposition of the app's metrics, for a key allowed to read (or a signed-in user).</summary>
    public static void MapMetricsEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(Domain.Security.AppPolicies.LogRead);

    public static WebApplication UseAppRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(o =>
        {
            o.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            // Paths only: query strings can carry tokens, and they are never logged.
            o.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms";
            o.GetLevel = (ctx, _, ex) => ex is not null || ctx.Response.StatusCode >= 500
                ? LogEventLevel.Error
                : HealthEndpoints.IsHealthPath(ctx.Request.Path) ? LogEventLevel.Verbose : LogEventLevel.Information;
            o.EnrichDiagnosticContext = (diag, ctx) =>
            {
                diag.Set("client_ip", ctx.Connection.RemoteIpAddress?.ToString());
                if (ctx.User.Identity?.IsAuthenticated == true)
                {
                    diag.Set("username", ctx.User.Identity.Name);
                }
            };
        });
        return app;
    }
}
