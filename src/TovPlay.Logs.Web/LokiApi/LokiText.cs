namespace TovPlay.Logs.Web.LokiApi;

/// <summary>A refusal as Loki writes it from push and tail: a plain-text line, not sniffable as anything else.</summary>
internal static class LokiText
{
    public static async Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        await context.Response.WriteAsync(message + "\n");
    }
}
