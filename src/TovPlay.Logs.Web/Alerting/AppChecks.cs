using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.DatabaseHealth;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>The checks of <see cref="AlertChecks"/>: the app looking at its own sources and deliveries.</summary>
public sealed class AppChecks(
    ILogSource logs, IOptions<AuditOptions> audit, AuditInstaller installer, AuditSeal seal, IDbContextFactory<AppDbContext> db,
    PgBouncerReader bouncer, TimeProvider time)
{
    public async Task<IReadOnlyList<AlertSample>> RunAsync(string check, CancellationToken cancellationToken) => check.Trim() switch
    {
        AlertChecks.LogSourceDown => [new AlertSample(LabelSet.From(("source", logs.Kind)), await logs.CheckReadyAsync(cancellationToken) is null ? 0 : 1)],
        AlertChecks.AuditedDatabaseDown => [new AlertSample(LabelSet.Empty, await AuditedDatabaseUpAsync(cancellationToken) ? 0 : 1)],
        AlertChecks.AuditCoverageGaps => await CoverageAsync(cancellationToken),
        AlertChecks.AuditSealBroken => [new AlertSample(LabelSet.Empty, (await seal.VerifyAsync(cancellationToken)).Count(f => f.Broken))],
        AlertChecks.DeliveryFailing => await DeliveryAsync(cancellationToken),
        AlertChecks.PgBouncerWaiting => await PgBouncerAsync(cancellationToken),
        _ => throw new RuleQueryException($"\"{check}\" is not a check; the checks are {string.Join(", ", AlertChecks.All.Keys)}."),
    };

    private async Task<bool> AuditedDatabaseUpAsync(CancellationToken cancellationToken)
    {
        if (!audit.Value.IsConfigured)
        {
            throw new RuleQueryException("No audited database is configured (Audit:TargetConnection).");
        }

        try
        {
            await using var connection = await AuditDatabase.OpenAsync(audit.Value, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return false;
        }
    }

    private async Task<IReadOnlyList<AlertSample>> CoverageAsync(CancellationToken cancellationToken)
    {
        if (!audit.Value.IsConfigured)
        {
            throw new RuleQueryException("No audited database is configured (Audit:TargetConnection).");
        }

        var coverage = await installer.CoverageAsync(cancellationToken);
        // Tables never meant to be audited are not gaps; registered tables that lost their capture are.
        return [.. coverage.Where(c => c.State is not (CoverageState.Audited or CoverageState.NotAudited))
            .Select(c => new AlertSample(LabelSet.From(("table", c.Table.Display), ("state", c.State.ToString())), 1))];
    }

    private async Task<IReadOnlyList<AlertSample>> DeliveryAsync(CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow().AddHours(-1);
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var failing = await context.Outbox.AsNoTracking()
            .Where(m => (m.DeadAt != null && m.DeadAt > since) || (m.SentAt == null && m.DeadAt == null && m.Attempts >= 3))
            .GroupBy(m => m.Receiver)
            .Select(g => new { Receiver = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return [.. failing.Select(f => new AlertSample(LabelSet.From(("receiver", f.Receiver)), f.Count))];
    }

    private async Task<IReadOnlyList<AlertSample>> PgBouncerAsync(CancellationToken cancellationToken)
    {
        if (!bouncer.IsConfigured)
        {
            throw new RuleQueryException("PgBouncer's admin console is not configured (PgBouncer:AdminConnection).");
        }

        try
        {
            var state = await bouncer.ReadAsync(cancellationToken);
            return [.. state.Pools.Select(p => new AlertSample(LabelSet.From(("database", p.Database), ("user", p.User)), p.ClientsWaiting))];
        }
        catch (Exception ex) when (PgBouncerReader.CouldNotRead(ex, cancellationToken))
        {
            throw new RuleQueryException("PgBouncer's admin console cannot be read: " + ex.Message, ex);
        }
    }
}
