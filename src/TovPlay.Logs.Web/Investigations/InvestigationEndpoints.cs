using System.Globalization;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Web.Hosting;
using TovPlay.Logs.Domain.Security;

namespace TovPlay.Logs.Web.Investigations;

/// <summary>
/// <c>GET /logs/api/investigations/{id}/report?format=md|json[&amp;tz=Europe/Berlin]</c> (investigators): a saved
/// investigation's report as a download, times in UTC and in the given zone; each export is in the app's audit trail.
/// </summary>
public static class InvestigationEndpoints
{
    public const string ReportPath = "/api/investigations/{id:guid}/report";

    public static void MapInvestigationEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(ReportPath, ReportAsync).RequireAuthorization(AppPolicies.Investigator).DisableAntiforgery();

    /// <summary>The page-relative address of a report download.</summary>
    public static string ReportLink(Guid id, string format, string? zone) =>
        $"api/investigations/{id:D}/report?format={format}" + (zone is { Length: > 0 } z && z != TimeZoneInfo.Utc.Id ? "&tz=" + Uri.EscapeDataString(z) : "");

    private static async Task ReportAsync(HttpContext context, Guid id, InvestigationStore store)
    {
        var format = context.Request.Query["format"].ToString() is { Length: > 0 } f ? f.ToLowerInvariant() : "md";
        if (format is not ("md" or "json"))
        {
            await PlainRefusal.WriteAsync(context, StatusCodes.Status400BadRequest, "format: must be md or json.");
            return;
        }

        var zone = TimeZoneInfo.Utc;
        if (context.Request.Query["tz"].ToString() is { Length: > 0 } tz
            && (tz.Length > 64 || !TimeZoneInfo.TryFindSystemTimeZoneById(tz, out zone!)))
        {
            await PlainRefusal.WriteAsync(context, StatusCodes.Status400BadRequest, "tz: not a known time zone (an IANA name such as Europe/Berlin).");
            return;
        }

        var opened = await store.OpenAsync(id, context.User, context.RequestAborted, exportFormat: format);
        if (opened is null)
        {
            await PlainRefusal.WriteAsync(context, StatusCodes.Status404NotFound, $"No investigation {id:D}.");
            return;
        }

        var name = $"investigation-{opened.Record.CreatedAt.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{id.ToString("N")[..8]}.{format}";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        context.Response.ContentType = format == "md" ? "text/markdown; charset=utf-8" : "application/json; charset=utf-8";
        await context.Response.WriteAsync(format == "md"
            ? ReportMarkdown.Render(opened.Report, zone, context.Request.PathBase.Value + "/")
            : ReportJson.Serialize(opened.Report), context.RequestAborted);
    }
}
