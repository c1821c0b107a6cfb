using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Hosting;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Audit;

/// <summary>
/// Downloads for the Audit page (investigators): <c>GET /logs/api/audit/export</c> (the filtered statements as CSV or
/// JSON, the page's own query string) and <c>GET /logs/api/audit/restore-script</c> (the restore script of a statement
/// or of its transaction). Bad input is a 400 with the field and why.
/// </summary>
public static class AuditEndpoints
{
    public const string ExportPath = "/api/audit/export";
    public const string ScriptPath = "/api/audit/restore-script";
    public const int MaxExported = 50_000;
    private const int Page = 1000;

    public static void MapAuditEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ExportPath, ExportAsync).RequireAuthorization(AppPolicies.Investigator).DisableAntiforgery();
        endpoints.MapGet(ScriptPath, ScriptAsync).RequireAuthorization(AppPolicies.Investigator).DisableAntiforgery();
    }

    /// <summary>The page-relative address of an export of this filter.</summary>
    public static string ExportLink(string format, AuditFilter filter) =>
        ExportPath.TrimStart('/') + "?format=" + format + (filter.ToQueryString() is { Length: > 0 } query ? "&" + query : "");

    public static string ScriptLink(long statementId, bool wholeTransaction) =>
        ScriptPath.TrimStart('/') + "?statement=" + statementId.ToString(CultureInfo.InvariantCulture) + (wholeTransaction ? "&transaction=true" : "");

    private static async Task ExportAsync(HttpContext context, AuditReader reader, IOptions<AuditOptions> options, AppAuditLog audit, TimeProvider time)
    {
        var format = context.Request.Query["format"].ToString() is { Length: > 0 } f ? f.ToLowerInvariant() : "csv";
        if (format is not ("csv" or "json"))
        {
            await PlainRefusal.WriteAsync(context, StatusCodes.Status400BadRequest, "format: must be csv or json.");
            return;
        }

        if (!AuditFilter.TryRead(name => context.Request.Query[name].ToString(), out var filter, out var errors))
        {
            await PlainRefusal.WriteAsync(context, StatusCodes.Status400BadRequest, string.Join("\n", errors.Select(e => $"{e.Field}: {e.Message}")));
            return;
        }

        if (!options.Value.IsConfigured)
        {
            await PlainRefusal.WriteAsync(context, StatusCodes.Status409Conflict, $"No audited database: set {AuditOptions.Section}:TargetConnection.");
            return;
        }

        // The first page decides the status: a trail that is not installed is a 409 with the reason, not an empty file.
        IReadOnlyList<Domain.Audit.AuditStatement> first;
        try
        {
            first = await reader.SearchAsync(filter, null, Page, context.RequestAborted);
        }
        catch (InvalidOperationException ex)
        {
            await PlainRefusal.WriteAsync(context, StatusCodes.Status409Conflict, ex.Message);
            return;
        }

        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        context.Response.ContentType = format == "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"tovplay-audit-{stamp}.{format}\"";
        await audit.WriteAsync(AppAuditEntry.By(context.User, AppAuditActions.DatabaseAuditExported, filter.ToQueryString(), details: format), context.RequestAborted);

        await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), 64 * 1024);
        try
        {
            var statements = Pages(reader, filter, first, context.RequestAborted);
            await (format == "csv"
                ? AuditExport.WriteCsvAsync(writer, statements, context.RequestAborted)
                : AuditExport.WriteJsonAsync(writer, statements, context.RequestAborted));
            await writer.FlushAsync(context.RequestAborted);
        }
        catch (Npgsql.NpgsqlException)
        {
            // Headers are gone: break the download so it shows as failed, not as a short file that looks whole.
            context.Abort();
        }
    }

    private static async IAsyncEnumerable<Domain.Audit.AuditStatement> Pages(
        AuditReader reader, AuditFilter filter, IReadOnlyList<Domain.Audit.AuditStatement> page, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var given = 0;
        while (page.Count > 0)
        {
            foreach (var statement in page.Take(MaxExported - given))
            {
                yield return statement;
            }

            given += page.Count;
            if (page.Count < Page || given >= MaxExported)
            {
                yield break;
            }

            page = await reader.SearchAsync(filter, page[^1].Id, Page, cancellationToken);
        }
    }

    /// <summary>The script taking back everything the filter finds (a window, a table, a user...).</summary>
    public static string WindowScriptLink(AuditFilter filter) =>
        ScriptPath.TrimStart('/') + "?window=true" + (filter.ToQueryString() is { Length: > 0 } query ? "&" + query : "");

    private static async Task ScriptAsync(HttpContext context, AuditRestore restore, IOptions<AuditOptions> options, TimeProvider time)
    {
        if (context.Request.Query["window"] == "true")
        {
            if (!AuditFilter.TryRead(name => context.Request.Query[name].ToString(), out var filter, out var errors))
            {
                await PlainRefusal.WriteAsync(context, StatusCodes.Status400BadRequest, string.Join("\n", errors.Select(e => $"{e.Field}: {e.Message}")));
                return;
            }

            await ScriptDownloadAsync(context, options, time, "window", () => restore.ForFilterAsync(filter, context.RequestAborted));
            return;
        }

        if (!long.TryParse(context.Request.Query["statement"], NumberStyles.None, CultureInfo.InvariantCulture, out var statementId))
        {
            await PlainRefusal.WriteAsync(context, StatusCodes.Status400BadRequest, "statement: required, the id of an audited statement.");
            return;
        }

        var transaction = context.Request.Query["transaction"].ToString();
        if (transaction is not ("" or "true" or "false"))
        {
            await PlainRefusal.WriteAsync(context, StatusCodes.Status400BadRequest, "transaction: must be true or false.");
            return;
        }

        await ScriptDownloadAsync(context, options, time, statementId.ToString(CultureInfo.InvariantCulture), () => transaction == "true"
            ? restore.ForStatementTransactionAsync(statementId, context.RequestAborted)
            : restore.ForStatementsAsync([statementId], context.RequestAborted));
    }

    private static async Task ScriptDownloadAsync(HttpContext context, IOptions<AuditOptions> options, TimeProvider time, string name, Func<Task<string>> build)
    {
        if (!options.Value.IsConfigured)
        {
            await PlainRefusal.WriteAsync(context, StatusCodes.Status409Conflict, $"No audited database: set {AuditOptions.Section}:TargetConnection.");
            return;
        }

        string script;
        try
        {
            script = await build();
        }
        catch (InvalidOperationException ex)
        {
            await PlainRefusal.WriteAsync(context, StatusCodes.Status400BadRequest, ex.Message);
            return;
        }

        context.Response.ContentType = "application/sql; charset=utf-8";
        context.Response.Headers.ContentDisposition =
            $"attachment; filename=\"tovplay-restore-{name}-{time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.sql\"";
        await context.Response.WriteAsync(script, context.RequestAborted);
    }
}
