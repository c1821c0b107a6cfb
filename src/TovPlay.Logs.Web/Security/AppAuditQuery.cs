using Microsoft.EntityFrameworkCore;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.Security;

public sealed record AppAuditFilter(string? Action = null, string? Text = null, bool FailuresOnly = false)
{
    public const int MaxTextLength = 200;
}

public sealed record AppAuditPage(IReadOnlyList<AppAuditEvent> Rows, int Total);

/// <summary>Reads the app's audit trail newest first, filtered and paged in the database.</summary>
public sealed class AppAuditQuery(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<AppAuditPage> ReadAsync(AppAuditFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        IQueryable<AppAuditEvent> query = db.AuditEvents.AsNoTracking();
        if (!string.IsNullOrEmpty(filter.Action))
        {
            query = query.Where(e => e.Action == filter.Action);
        }

        if (filter.FailuresOnly)
        {
            query = query.Where(e => !e.Succeeded);
        }

        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var text = filter.Text.Trim();
            text = text.Length > AppAuditFilter.MaxTextLength ? text[..AppAuditFilter.MaxTextLength] : text;
            var pattern = $"%{EscapeLike(text)}%";
            query = query.Where(e =>
                EF.Functions.ILike(e.Actor, pattern, "\\")
                || (e.Target != null && EF.Functions.ILike(e.Target, pattern, "\\"))
                || (e.CorrelationId != null && EF.Functions.ILike(e.CorrelationId, pattern, "\\"))
                || (e.Details != null && EF.Functions.ILike(e.Details, pattern, "\\")));
        }

        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(e => e.Id).Skip(skip).Take(Math.Clamp(take, 1, 500)).ToListAsync(cancellationToken);
        return new AppAuditPage(rows, total);
    }

    /// <summary>Searches for the literal text: % and _ typed by the user are not wildcards.</summary>
    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
