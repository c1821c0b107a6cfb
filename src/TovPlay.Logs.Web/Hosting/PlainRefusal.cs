namespace TovPlay.Logs.Web.Hosting;

/// <summary>A 4xx (or 409) answer whose body is the reason in plain text, for downloads that could not start.</summary>
public static class PlainRefusal
{
    public static Task WriteAsync(HttpContext context, int status, string reason)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(reason + "\n");
    }
}
