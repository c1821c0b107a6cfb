using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>A silence as listed, with the alerts it holds now.</summary>
public sealed record SilenceView(AlertSilence Silence, SilenceState State, int Silencing, string? ExpiredBy, DateTimeOffset CreatedAt);

/// <summary>Silences: created from matchers or a firing alert, listed with what they hold, ended early by moving the end to now.</summary>
public sealed class SilenceStore(IDbContextFactory<AppDbContext> db, AlertingSignals signals, AppAuditLog audit, TimeProvider time)
{
    public async Task<IReadOnlyList<SilenceView>> ListAsync(bool includeExpired, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var query = context.Silences.AsNoTracking();
        if (!includeExpired)
        {
            query = query.Where(s => s.EndsAt > now);
        }

        var records = await query.OrderByDescending(s => s.CreatedAt).Take(500).ToListAsync(cancellationToken);
        var active = (await context.AlertInstances.AsNoTracking().Where(i => i.State == "Firing" || i.State == "NoData" || i.State == "Error")
            .Select(i => i.Labels).ToListAsync(cancellationToken)).Select(AlertStateStore.Labels).ToList();
        return [.. records.Select(r =>
        {
            var silence = AlertingConfigurationReader.ToSilence(r);
            return new SilenceView(silence, silence.StateAt(now), active.Count(l => silence.Mutes(l, now)), r.ExpiredBy, r.CreatedAt);
        })];
    }

    public async Task<SaveResult> CreateAsync(IReadOnlyList<string> matcherTexts, DateTimeOffset startsAt, DateTimeOffset endsAt, string comment, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        var matchers = new List<AlertMatcher>();
        foreach (var text in matcherTexts.Where(t => t.Trim().Length > 0))
        {
            try
            {
                matchers.Add(AlertMatcher.Parse(text));
            }
            catch (FormatException ex)
            {
                return new SaveResult(null, [new FieldProblem("Matchers", ex.Message)]);
            }
        }

        var problems = AlertSilence.Problems(matchers, startsAt, endsAt, comment, time.GetUtcNow());
        if (problems.Count > 0)
        {
            return new SaveResult(null, problems);
        }

        var record = new SilenceRecord
        {
            Id = Guid.NewGuid(),
            Matchers = [.. matchers.Select(m => m.ToString())],
            StartsAt = startsAt,
            EndsAt = endsAt,
            Comment = comment.Trim(),
            CreatedBy = user.Identity?.Name ?? "",
            CreatedAt = time.GetUtcNow(),
        };
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        context.Silences.Add(record);
        await context.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.SilenceCreated, string.Join(", ", record.Matchers),
            details: $"{startsAt:u} to {endsAt:u}: {record.Comment}"), cancellationToken);
        signals.AlertsChanged.Raise();
        return new SaveResult(record.Id, []);
    }

    public async Task<bool> ExpireAsync(Guid id, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var record = await context.Silences.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (record is null || record.EndsAt <= now)
        {
            return false;
        }

        record.EndsAt = now;
        if (record.StartsAt > now)
        {
            record.StartsAt = now;
        }

        record.ExpiredBy = user.Identity?.Name ?? "";
        await context.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.SilenceExpired, string.Join(", ", record.Matchers)), cancellationToken);
        signals.AlertsChanged.Raise();
        return true;
    }
}
