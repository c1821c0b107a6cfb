using Microsoft.Extensions.Options;

namespace TovPlay.Logs.Web.Security;

/// <summary>
/// Long-lived connections (the Blazor circuit, the tail hub, Loki's tail socket) are refused when a browser opens them
/// from another site's page: the <c>Origin</c> a browser always sends must name this app's host, or one of
/// <see cref="SecurityOptions.AllowedOrigins"/>. Clients that are not browsers send no Origin and are let through to
/// authentication as before; the cookie's SameSite already keeps most cross-site requests out, this keeps the rest.
/// </summary>
public static class SameOriginConnections
{
    private static readonly PathString[] s_connections = [new("/_blazor"), new("/hubs"), new("/loki/api/v1/tail")];

    public static WebApplication UseSameOriginConnections(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var origin = context.Request.Headers.Origin.ToString();
            if (origin.Length > 0 && s_connections.Any(p => context.Request.Path.StartsWithSegments(p)) && !Allowed(context, origin))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("forbidden: connections from another site's page are refused\n");
                return;
            }

            await next(context);
        });
        return app;
    }

    private static bool Allowed(HttpContext context, string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false;
        }

        // Host and port only: behind a proxy that ends TLS the app may see http where the browser saw https.
        if (string.Equals(uri.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var allowed = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.AllowedOrigins;
        return allowed.Any(a => string.Equals(a.TrimEnd('/'), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }
}
