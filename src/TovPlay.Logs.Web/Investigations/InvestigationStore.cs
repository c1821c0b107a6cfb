using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Investigations;

/// <summary>A saved investigation as the list shows it.</summary>
public sealed record InvestigationSummary(
    Guid Id, string Scenario, string Title, InvestigationStatus Status, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Table);

/// <summary>A saved investigation opened: its bookkeeping and its frozen report.</summary>
public sealed record OpenedInvestigation(SavedInvestigation Record, InvestigationReport Report);

/// <summary>
/// Keeps investigations: saving freezes the report, reopening and exporting are written to the app's audit trail
/// (who looked at which incident is itself evidence), status and notes change with who changed them.
/// </summary>
public sealed class InvestigationStore(IDbContextFactory<AppDbContext> dbFactory, AppAuditLog audit, TimeProvider time)
{
    public const int ListLimit = 200;

    public async Task<Guid> SaveAsync(InvestigationReport report, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var record = new SavedInvestigation
        {
            Id = Guid.CreateVersion7(now),
            Scenario = report.Scenario,
            Title = Clip(report.Title, InvestigationReport.MaxTitleLength),
            Table = report.Table,
            WindowStart = report.WindowStart,
            WindowEnd = report.WindowEnd,
            ReportJson = ReportJson.Serialize(report),
            CreatedBy = user.Identity?.Name ?? AppAuditEntry.Anonymous,
            CreatedById = user.FindFirstValue(ClaimTypes.NameIdentifier),
            CreatedAt = now,
            UpdatedAt = now,
        };
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.Investigations.Add(record);
            await db.SaveChangesAsync(cancellationToken);
        }

        await audit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.InvestigationSaved, Target(record.Id), details: record.Title), cancellationToken);
        return record.Id;
    }

    public async Task<IReadOnlyList<InvestigationSummary>> ListAsync(InvestigationStatus? status, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Investigations.AsNoTracking()
            .Where(i => status == null || i.Status == status)
            .OrderByDescending(i => i.UpdatedAt)
            .Take(ListLimit)
            .Select(i => new InvestigationSummary(i.Id, i.Scenario, i.Title, i.Status, i.CreatedBy, i.CreatedAt, i.UpdatedAt, i.Table))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Opens one (recorded as opened, or as exported in <paramref name="exportFormat"/>); null when there is none with that id.</summary>
    public async Task<OpenedInvestigation?> OpenAsync(Guid id, ClaimsPrincipal user, CancellationToken cancellationToken, string? exportFormat = null)
    {
        SavedInvestigation? record;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            record = await db.Investigations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        }

        if (record is null)
        {
            return null;
        }

        await audit.WriteAsync(exportFormat is null
            ? AppAuditEntry.By(user, AppAuditActions.InvestigationOpened, Target(id))
            : AppAuditEntry.By(user, AppAuditActions.InvestigationExported, Target(id), details: exportFormat), cancellationToken);
        return new OpenedInvestigation(record, ReportJson.Deserialize(record.ReportJson));
    }

    /// <summary>Sets status and notes; false when there is no such investigation.</summary>
    public async Task<bool> UpdateAsync(Guid id, InvestigationStatus status, string? notes, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (notes is { Length: > SavedInvestigation.MaxNotesLength })
        {
            throw new ArgumentException($"Notes are longer than {SavedInvestigation.MaxNotesLength:N0} characters.", nameof(notes));
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var record = await db.Investigations.FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (record is null)
        {
            return false;
        }

        var changes = new List<string>();
        if (record.Status != status)
        {
            changes.Add($"status {record.Status} -> {status}");
        }

        if ((record.Notes ?? "") != (notes ?? ""))
        {
            changes.Add("notes");
        }

        if (changes.Count == 0)
        {
            return true;
        }

        (record.Status, record.Notes, record.UpdatedAt, record.UpdatedBy) = (status, string.IsNullOrWhiteSpace(notes) ? null : notes, time.GetUtcNow(), user.Identity?.Name);
        await db.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.InvestigationUpdated, Target(id), details: string.Join(", ", changes)), cancellationToken);
        return true;
    }

    private static string Target(Guid id) => "investigation " + id.ToString("D");

    private static string Clip(string text, int max) => text.Length > max ? text[..max] : text;
}
