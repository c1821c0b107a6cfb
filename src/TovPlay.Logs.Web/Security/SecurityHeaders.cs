using Microsoft.Extensions.Options;

namespace TovPlay.Logs.Web.Security;

public static class SecurityHeaders
{
    /// <summary>
    /// Headers every response carries: no sniffing, no framing, no referrer leaking log queries elsewhere, and a
    /// Content-Security-Policy that allows scripts only from the app itself (MudBlazor needs inline styles, and the
    /// single sign-on form posts on to the identity provider when one is configured).
    /// </summary>
    public static WebApplication UseAppSecurityHeaders(this WebApplication app)
    {
        var policy = ContentSecurityPolicy(app.Services.GetRequiredService<IOptions<OpenIdConnectSettings>>().Value);
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers.ContentSecurityPolicy = policy;
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    public static string ContentSecurityPolicy(OpenIdConnectSettings oidc)
    {
        var formAction = "'self'";
        if (oidc.IsEnabled && Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority))
        {
            formAction += " " + authority.GetLeftPart(UriPartial.Authority);
        }

        return string.Join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            $"form-action {formAction}",
            "frame-ancestors 'none'");
    }
}
