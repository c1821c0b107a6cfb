using Microsoft.Extensions.Options;

namespace TovPlay.Logs.Web.Security;

/// <summary>
/// Long-lived connections (the Blazor circuit, the tail hub, Loki's tail socket) are refused when a browser opens them
/// from another site's page: the browser's <c>Sec-Fetch-Site</c> must say same-origin (or, from a browser without
/// it, the <c>Origin</c> must name this app's host), unless the origin is one of <see cref="SecurityOptions.AllowedOrigins"/>. Clients that are not browsers send no Origin and are let through to
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
        var allowed = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.AllowedOrigins;
        if (allowed.Any(a => string.Equals(a.TrimEnd('/'), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        // A browser says itself whether the page is this site's (Chromium, Firefox and Safari send Sec-Fetch-Site):
        // that holds behind a proxy which rewrites the Host header, where comparing hosts would refuse everyone.
        var site = context.Request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return site is "same-origin" or "none";
        }

        // Host and port only: behind a proxy that ends TLS the app may see http where the browser saw https.
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
