using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Hosting;

/// <summary>
/// The app lives only under <c>/logs</c>, as it will behind app.tovplay.org/logs. Anything outside it is
/// not ours: the bare root redirects in, everything else is 404, so nothing works here that would break there.
/// </summary>
public static class PathBaseGuard
{
    public static WebApplication UseAppPathBase(this WebApplication app)
    {
        var pathBase = SecurityServices.PathBase;
        app.Use((context, next) =>
        {
            var path = context.Request.Path;
            if (path == pathBase || path == "/")
            {
                context.Response.Redirect($"{pathBase}/{context.Request.QueryString}");
                return Task.CompletedTask;
            }

            if (!path.StartsWithSegments(pathBase))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
        app.UsePathBase(pathBase);
        return app;
    }
}
