using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace TovPlay.Logs.Web.Ingest;

public static class IngestServices
{
    public static IServiceCollection AddAppIngest(this IServiceCollection services)
    {
        services.AddOptions<FrontendIngestOptions>().BindConfiguration(FrontendIngestOptions.Section)
            .Validate(o => o.RequestsPerSecond is >= 1 and <= 100_000, "Ingest:Frontend:RequestsPerSecond must be 1 to 100000")
            .Validate(o => o.Burst >= 1 && o.Burst <= 1_000_000, "Ingest:Frontend:Burst must be 1 to 1000000")
            .Validate(o => o.MaxBodyBytes is >= 1024 and <= 1024 * 1024, "Ingest:Frontend:MaxBodyBytes must be 1 KB to 1 MB")
            .Validate(o => o.MaxEntries is >= 1 and <= 1000, "Ingest:Frontend:MaxEntries must be 1 to 1000")
            .Validate(o => o.MaxMessageChars is >= 64 and <= 65_536, "Ingest:Frontend:MaxMessageChars must be 64 to 65536")
            .Validate(o => o.SessionKey.Length is 0 or >= 32, "Ingest:Frontend:SessionKey must have at least 32 characters (or be empty)")
            .Validate(o => o.AllowedOrigins.All(IsOrigin), "Ingest:Frontend:AllowedOrigins holds something that is not an origin (scheme://host[:port], no path)")
            .Validate(o => o.Environments.All(e => e.Length is >= 1 and <= 32 && e.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')),
                "Ingest:Frontend:Environments must be short names (letters, digits, - and _)")
            .ValidateOnStart();

        services.AddSingleton<FrontendIngestMetrics>();

        // Preflights from the allowed origins are answered; Retry-After is readable by the page's logger.
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<FrontendIngestOptions>>((cors, ingest) =>
            cors.AddPolicy(FrontendIngestEndpoint.CorsPolicy, policy => policy
                .WithOrigins([.. ingest.Value.AllowedOrigins.Select(o => o.TrimEnd('/'))])
                .WithMethods(HttpMethods.Post)
                .WithHeaders("Content-Type", "X-Correlation-ID", FrontendIngestEndpoint.SessionHeader)
                .WithExposedHeaders("Retry-After")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));

        // One bucket per client address (the proxy's forwarded one only when the proxy is trusted, see TrustedProxies).
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<FrontendIngestOptions>>((limiter, ingest) =>
            limiter.AddPolicy(FrontendIngestEndpoint.RateLimitPolicy, context =>
                RateLimitPartition.GetTokenBucketLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = ingest.Value.Burst,
                        TokensPerPeriod = ingest.Value.RequestsPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    })));
        return services;
    }

    private static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin.TrimEnd('/'), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/" && uri.Query.Length == 0;
}
