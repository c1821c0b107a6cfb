using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.ApiKeys;
using TovPlay.Logs.Web.LogSources.Loki;
using TovPlay.Logs.Web.LogStore;
using TovPlay.Logs.Web.LokiApi;
using TovPlay.Logs.Web.Observability;

namespace TovPlay.Logs.Web.LogSources;

public static class LogSourceServices
{
    public const string LogReaderScheme = "LogReader";

    public static WebApplicationBuilder AddAppLogSources(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.Configure<LogSourceOptions>(configuration.GetSection(LogSourceOptions.Section));
        services.Configure<LogStoreOptions>(configuration.GetSection(LogStoreOptions.Section));
        services.Configure<LokiApiOptions>(configuration.GetSection(LokiApiOptions.Section));
        services.TryAddSingleton(TimeProvider.System);

        var kind = configuration.GetSection(LogSourceOptions.Section).Get<LogSourceOptions>()?.Kind ?? LogSourceOptions.Embedded;
        if (string.Equals(kind, LogSourceOptions.Embedded, StringComparison.OrdinalIgnoreCase))
        {
            AddEmbeddedStore(services);
            services.AddSingleton<ILogSource>(sp => sp.GetRequiredService<EmbeddedLogSource>());
            services.AddSingleton<ILogSink>(sp => new EmbeddedLogSink(sp.GetRequiredService<LogWriter>()));
        }
        else if (string.Equals(kind, LogSourceOptions.Loki, StringComparison.OrdinalIgnoreCase))
        {
            AddLokiClient(services, configuration.GetSection(LogSourceOptions.Section).Get<LogSourceOptions>() ?? new LogSourceOptions());
            services.AddSingleton<ILogSource, LokiLogSource>();
            services.AddSingleton<ILogSink>(sp => new LokiLogSink(sp.GetRequiredService<IHttpClientFactory>()));
        }
        else
        {
            throw new InvalidOperationException($"LogSource:Kind \"{kind}\" is not known: use {LogSourceOptions.Embedded} or {LogSourceOptions.Loki}.");
        }

        services.AddHealthChecks().AddCheck<LogSourceHealthCheck>("log-source", tags: [HealthEndpoints.ReadyTag]);

        services.AddSingleton<IngestionRateLimiter>();
        services.AddSingleton<CallerQueryLimit>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddScoped<ApiKeyAdministration>();
        services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            // Readers are machines with a key or people with a session: one scheme that picks by the request, so only
            // the relevant one challenges (a key client gets a plain 401, a browser the sign-in redirect).
            .AddPolicyScheme(LogReaderScheme, "Log reader", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme);

        var viewer = AppRoles.AtLeast(AppRoles.Viewer).ToArray();
        services.AddAuthorizationBuilder()
            .AddPolicy(AppPolicies.LogPush, p => p
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, ApiKeyAuthenticationHandler.PushScope))
            .AddPolicy(AppPolicies.LogRead, p => p
                .AddAuthenticationSchemes(LogReaderScheme)
                .RequireAuthenticatedUser()
                .RequireAssertion(c => c.User.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, ApiKeyAuthenticationHandler.ReadScope)
                    || viewer.Any(c.User.IsInRole)));
        return builder;
    }

    /// <summary>The embedded store: its database, writer, upkeep and the source that reads it.</summary>
    private static void AddEmbeddedStore(IServiceCollection services)
    {
        services.AddSingleton<LogStoreDatabase>();
        services.AddSingleton<StreamRegistry>();
        services.AddSingleton<StreamLimiter>();
        services.AddSingleton<Partitions>();
        services.AddSingleton<IngestFeed>();
        services.AddSingleton<HeadCache>();
        services.AddSingleton<RowFormatMigration>();
        services.AddSingleton<LogStoreMaintenance>();
        services.AddHostedService(sp => sp.GetRequiredService<LogStoreMaintenance>());
        services.AddSingleton<ChunkCompactor>();
        services.AddHostedService(sp => sp.GetRequiredService<ChunkCompactor>());
        services.AddSingleton<LogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<LogWriter>());
        services.AddSingleton<CommitAnnouncements>();
        services.AddHostedService<CommitListener>();
        services.AddSingleton<EmbeddedLogSource>();
    }

    /// <summary>
    /// The HTTP client of a real Loki: its address, tenant and credentials, and retries with timeouts for transient
    /// failures (5xx, 408, 429, connection errors); a 4xx answer is final.
    /// </summary>
    public static void AddLokiClient(IServiceCollection services, LogSourceOptions options)
    {
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException("LogSource:Url must be Loki's http(s) address (e.g. http://loki:3100) when LogSource:Kind is Loki.");
        }

        var baseAddress = new Uri(url.ToString().TrimEnd('/') + "/");
        services.AddHttpClient(LokiLogSource.HttpClientName, client =>
            {
                client.BaseAddress = baseAddress;
                client.Timeout = Timeout.InfiniteTimeSpan;
                if (!string.IsNullOrEmpty(options.TenantId))
                {
                    client.DefaultRequestHeaders.Add("X-Scope-OrgID", options.TenantId);
                }

                client.DefaultRequestHeaders.Authorization = LokiLogSource.BasicAuthorization(options);
            })
            .AddStandardResilienceHandler(o =>
            {
                o.AttemptTimeout.Timeout = options.LokiAttemptTimeout;
                o.TotalRequestTimeout.Timeout = options.LokiAttemptTimeout * 3;
                o.CircuitBreaker.SamplingDuration = options.LokiAttemptTimeout * 2;

                // Loki answers 500 for queries it cannot run (e.g. an instant scalar); only a failure on the way
                // (a proxy's 502/503/504, a timeout, throttling, a broken connection) is worth another attempt.
                o.Retry.ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or Polly.Timeout.TimeoutRejectedException } => true,
                    { Result.StatusCode: System.Net.HttpStatusCode.RequestTimeout or System.Net.HttpStatusCode.TooManyRequests
                        or System.Net.HttpStatusCode.BadGateway or System.Net.HttpStatusCode.ServiceUnavailable
                        or System.Net.HttpStatusCode.GatewayTimeout } => true,
                    _ => false,
                });
            });
    }

    private sealed class LogSourceHealthCheck(ILogSource source) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            await source.CheckReadyAsync(cancellationToken) is { } problem
                ? HealthCheckResult.Unhealthy($"{source.Kind}: {problem}")
                : HealthCheckResult.Healthy(source.Kind);
    }
}
