using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.ApiKeys;
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
        services.AddSingleton(TimeProvider.System);

        // The embedded store always exists: it is the default source and the push API's destination.
        services.AddSingleton<LogStoreDatabase>();
        services.AddSingleton<StreamRegistry>();
        services.AddSingleton<Partitions>();
        services.AddSingleton<IngestFeed>();
        services.AddSingleton<LogStoreMaintenance>();
        services.AddHostedService(sp => sp.GetRequiredService<LogStoreMaintenance>());
        services.AddSingleton<LogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<LogWriter>());
        services.AddSingleton<EmbeddedLogSource>();

        var kind = configuration.GetSection(LogSourceOptions.Section).Get<LogSourceOptions>()?.Kind ?? LogSourceOptions.Embedded;
        if (string.Equals(kind, LogSourceOptions.Embedded, StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<ILogSource>(sp => sp.GetRequiredService<EmbeddedLogSource>());
        }
        else
        {
            throw new InvalidOperationException($"LogSource:Kind \"{kind}\" is not known: use {LogSourceOptions.Embedded} or {LogSourceOptions.Loki}.");
        }

        services.AddHealthChecks().AddCheck<LogSourceHealthCheck>("log-source", tags: [HealthEndpoints.ReadyTag]);

        services.AddSingleton<IngestionRateLimiter>();
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

    private sealed class LogSourceHealthCheck(ILogSource source) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            await source.CheckReadyAsync(cancellationToken) is { } problem
                ? HealthCheckResult.Unhealthy($"{source.Kind}: {problem}")
                : HealthCheckResult.Healthy(source.Kind);
    }
}
