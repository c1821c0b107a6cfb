using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace TovPlay.Logs.Web.Security;

/// <summary>
/// Caps password sign-in attempts per client address. Lockout protects one account; this protects all of
/// them from one address trying many (password spraying), and answers 429 with Retry-After. Endpoints with limits
/// of their own add named policies to the same limiter and a <see cref="RateLimitRefusal"/> to say what was refused.
/// </summary>
public static class SignInRateLimit
{
    public static IServiceCollection AddSignInRateLimit(this IServiceCollection services, SecurityOptions security)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, cancellationToken) =>
            {
                var response = context.HttpContext.Response;
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                // An endpoint with its own limit says in its own words what was refused; the rest is password sign-in.
                var refusal = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<RateLimitRefusal>();
                if (refusal is { AsJson: true })
                {
                    await response.WriteAsJsonAsync(new { error = refusal.Message, problems = new[] { refusal.Message } }, cancellationToken);
                    return;
                }

                response.ContentType = "text/plain; charset=utf-8";
                await response.WriteAsync(refusal?.Message ?? "Too many sign-in attempts from this address. Wait a minute and try again.", cancellationToken);
            };
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsPasswordSignIn(context.Request)
                    ? RateLimitPartition.GetFixedWindowLimiter(
                        context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                        _ => new FixedWindowRateLimiterOptions
                        {
                            PermitLimit = security.SignInAttemptsPerMinute,
                            Window = TimeSpan.FromMinutes(1),
                            QueueLimit = 0,
                        })
                    : RateLimitPartition.GetNoLimiter("other"));
        });
        return services;
    }

    private static bool IsPasswordSignIn(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Equals(SecurityServices.LoginPath, StringComparison.OrdinalIgnoreCase);
}
