namespace TovPlay.Logs.Web.Observability;

/// <summary>
/// A request the client gave up on (its connection closed mid-request, or a body that ended before its
/// Content-Length) is the client's doing, not a failure of the app: it is answered and logged as 499 (the client
/// closed the request, as nginx names it) or Kestrel's 4xx, at information level, instead of a 500 logged as an
/// error with its stack, which would page someone for a client's crash.
/// </summary>
public static class ClientAborts
{
    public const int ClientClosedRequest = 499;

    /// <summary>Placed inside the request log and the error page, so that both see the status instead of the exception.</summary>
    public static WebApplication UseClientAbortsAsClientErrors(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException ex)
            {
                Answer(context, ex.StatusCode);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                Answer(context, ClientClosedRequest);
            }
        });
        return app;
    }

    private static void Answer(HttpContext context, int status)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.StatusCode = status;
        }
    }
}
