using Microsoft.AspNetCore.Diagnostics;

namespace TovPlay.Logs.Web.Hosting;

/// <summary>
/// A mistyped address under <c>/logs</c> gets the app's own Not found page, in the layout with a way home, not the
/// browser's bare 404. Only a browser asking for a page gets it: an API client, an asset or a script keeps the plain
/// status its endpoint gave.
/// </summary>
public static class NotFoundPages
{
    public const string Path = "/not-found";

    public static WebApplication UseNotFoundPage(this WebApplication app)
    {
        app.UseStatusCodePagesWithReExecute(Path, createScopeForStatusCodePages: true);
        app.Use((context, next) =>
        {
            if (context.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = HttpMethods.IsGet(context.Request.Method)
                    && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
            }

            return next(context);
        });
        return app;
    }
}
