using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs.Export;
using TovPlay.Logs.Domain.Logs.Search;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Hosting;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Search;

/// <summary>
/// <c>GET /logs/api/search/export</c>: a search's lines as a CSV or NDJSON download, read page by page so an export
/// can hold more lines than one query returns. The Search page links here with its own state; scripts with a
/// read key can call it too.
/// </summary>
public static class SearchExport
{
    public const string Path = "/api/search/export";
    public const int MaxLines = 100_000;
    public const int DefaultLines = 5_000;

    public static void MapSearchExport(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, ExportAsync).RequireAuthorization(AppPolicies.LogRead).DisableAntiforgery().AddEndpointFilter(LokiApi.CallerQueryLimit.FilterAsync);

    /// <summary>The page's address for the same search, as a download.</summary>
    public static string Link(string format, string query, TimeRange range, Direction direction, int limit) =>
        "api/search/export?" + string.Join('&',
            "format=" + format,
            "query=" + Uri.EscapeDataString(query),
            "from=" + Uri.EscapeDataString(range.From),
            "to=" + Uri.EscapeDataString(range.To),
            "direction=" + (direction == Direction.Forward ? "forward" : "backward"),
            "limit=" + limit.ToString(CultureInfo.InvariantCulture));

    private static async Task ExportAsync(
        HttpContext context, ILogSource source, TimeProvider time, AppAuditLog audit, IOptions<LogSourceOptions> sourceOptions,
        [FromQuery] string? query, [FromQuery] string? from, [FromQuery] string? to, [FromQuery] string? direction,
        [FromQuery] string? limit, [FromQuery] string? format)
    {
        var request = Read(query, from, to, direction, limit, format);
        if (request.Error is { } error)
        {
            await PlainRefusal.WriteAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        var (start, end) = request.Range!.Resolve(time.GetUtcNow());
        var lines = ResultLines.ReadAsync(source, request.Query!, TimeWindow.Ns(start), TimeWindow.Ns(end), request.Direction, request.Limit,
            sourceOptions.Value.MaxEntriesPerQuery, context.RequestAborted);

        // The first page decides the status: a query the source refuses is a 4xx with its reason, not an empty file.
        await using var enumerator = lines.GetAsyncEnumerator(context.RequestAborted);
        bool any;
        try
        {
            any = await enumerator.MoveNextAsync();
        }
        catch (LogSourceException ex)
        {
            await PlainRefusal.WriteAsync(context, ex.StatusCode, ex.Message);
            return;
        }

        var csv = request.Format == "csv";
        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        context.Response.ContentType = csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"tovplay-logs-{stamp}.{(csv ? "csv" : "ndjson")}\"";
        await audit.WriteAsync(AppAuditEntry.By(context.User, AppAuditActions.LogsExported, request.Query,
            details: $"{request.Format}, {request.Range.From} to {request.Range.To}, up to {request.Limit} lines"), context.RequestAborted);

        await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), 64 * 1024);
        try
        {
            var rest = Continue(enumerator, any);
            if (csv)
            {
                await LogExport.WriteCsvAsync(writer, rest, context.RequestAborted);
            }
            else
            {
                await LogExport.WriteNdjsonAsync(writer, rest, context.RequestAborted);
            }

            await writer.FlushAsync(context.RequestAborted);
        }
        catch (LogSourceException)
        {
            // Headers are gone: break the download so the client sees a failed transfer, not a short file that looks whole.
            context.Abort();
        }
    }

    private static async IAsyncEnumerable<ExportedLine> Continue(IAsyncEnumerator<ExportedLine> enumerator, bool any)
    {
        if (!any)
        {
            yield break;
        }

        do
        {
            yield return enumerator.Current;
        }
        while (await enumerator.MoveNextAsync());
    }

    private sealed record Request(string? Query, TimeRange? Range, Direction Direction, int Limit, string Format, string? Error);

    private static Request Read(string? query, string? from, string? to, string? direction, string? limit, string? format)
    {
        Request Bad(string error) => new(null, null, Direction.Backward, 0, "", error);

        format = string.IsNullOrEmpty(format) ? "csv" : format.ToLowerInvariant();
        if (format is not ("csv" or "ndjson"))
        {
            return Bad("format: must be csv or ndjson.");
        }

        if (string.IsNullOrWhiteSpace(query))
        {
            return Bad("query: required.");
        }

        if (query.Length > Model.Queries.QueryEditor.MaxQueryLength)
        {
            return Bad($"query: longer than {Model.Queries.QueryEditor.MaxQueryLength} characters.");
        }

        if (!LogQLQuery.TryParse(query, out var expr, out var syntax))
        {
            return Bad("query: " + syntax.Message);
        }

        if (expr is not LogQueryExpr)
        {
            return Bad("query: only log queries export as lines; this is a metric query.");
        }

        if (!TimeRange.TryParse(from, to, out var range, out var rangeError))
        {
            return Bad(rangeError!);
        }

        var dir = direction?.ToLowerInvariant() switch
        {
            null or "" or "backward" => Direction.Backward,
            "forward" => Direction.Forward,
            _ => (Direction?)null,
        };
        if (dir is null)
        {
            return Bad("direction: must be backward or forward.");
        }

        var count = DefaultLines;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLines))
        {
            return Bad($"limit: must be a whole number from 1 to {MaxLines}.");
        }

        return new Request(LogQLQuery.Print(expr), range, dir.Value, count, format, null);
    }
}
