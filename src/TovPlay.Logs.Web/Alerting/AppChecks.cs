using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>The checks of <see cref="AlertChecks"/>: the app looking at its own sources and deliveries.</summary>
public sealed class AppChecks(
    ILogSource logs, IOptions<AuditOptions> audit, AuditInstaller installer, AuditSeal seal, IDbContextFactory<AppDbContext> db,
    IOptions<AlertingOptions> options, TimeProvider time)
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
        if (options.Value.PgBouncerAdminConnection.Length == 0)
        {
            throw new RuleQueryException("PgBouncer's admin console is not configured (Alerting:PgBouncerAdminConnection).");
        }

        try
        {
            // The admin console speaks the simple query protocol only.
            var builder = new NpgsqlDataSourceBuilder(options.Value.PgBouncerAdminConnection);
            builder.ConnectionStringBuilder.Pooling = false;
            builder.ConfigureTypeLoading(t => t.EnableTypeLoading(false));
            await using var source = builder.Build();
            await using var connection = await source.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SHOW POOLS", connection) { AllResultTypesAreUnknown = true };
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var samples = new List<AlertSample>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var waiting = double.Parse(reader.GetString(reader.GetOrdinal("cl_waiting")), System.Globalization.CultureInfo.InvariantCulture);
                samples.Add(new AlertSample(LabelSet.From(("database", reader.GetString(reader.GetOrdinal("database"))), ("user", reader.GetString(reader.GetOrdinal("user")))), waiting));
            }

            return samples;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or FormatException)
        {
            throw new RuleQueryException("PgBouncer's admin console cannot be read: " + ex.Message, ex);
        }
    }
}
