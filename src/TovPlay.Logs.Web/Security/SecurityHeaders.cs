namespace TovPlay.Logs.Web.Security;

public static class SecurityHeaders
{
    /// <summary>Headers every response carries: no sniffing, no framing, no referrer leaking log queries elsewhere.</summary>
    public static WebApplication UseAppSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
