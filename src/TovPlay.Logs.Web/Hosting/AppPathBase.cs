namespace TovPlay.Logs.Web.Hosting;

/// <summary>
/// The app lives only under <c>/logs</c>, as it will behind app.tovplay.org/logs. Anything outside it is
/// not ours: the bare root redirects in, everything else is 404, so nothing works here that would break there.
/// </summary>
public static class AppPathBase
{
    /// <summary>Every page, asset, hub and API lives under it.</summary>
    public static readonly PathString Value = new("/logs");

    public static WebApplication UseAppPathBase(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var path = context.Request.Path;
            if (path == Value || path == "/")
            {
                context.Response.Redirect($"{Value}/{context.Request.QueryString}");
                return Task.CompletedTask;
            }

            if (!path.StartsWithSegments(Value))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
        app.UsePathBase(Value);
        return app;
    }
}
