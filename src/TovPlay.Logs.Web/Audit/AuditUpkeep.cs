using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Web.Audit;

/// <summary>
/// Keeps the capture in step with the tables: a table whose columns changed (ALTER TABLE) is reinstalled, so its rows
/// go back from the jsonb fallback to its shadow table within one interval. Tables the report calls Broken (a
/// trigger disabled or dropped) are left for a person: putting them back silently would hide what was done. Also
/// keeps the statements' monthly partitions ready and applies retention.
/// </summary>
public sealed class AuditUpkeep(IOptions<AuditOptions> options, AuditInstaller installer, TimeProvider time, ILogger<AuditUpkeep> logger) : BackgroundService
{
    /// <summary>Reinstalls the tables whose capture is outdated; returns them.</summary>
    public async Task<IReadOnlyList<AuditedTable>> RunOnceAsync(CancellationToken cancellationToken)
    {
        var outdated = (await installer.CoverageAsync(cancellationToken)).Where(c => c.State == CoverageState.Outdated).Select(c => c.Table).ToList();
        if (outdated.Count > 0)
        {
            await installer.InstallAsync(outdated, cancellationToken);
            logger.LogInformation("Audit capture regenerated for {Tables} after their columns changed", string.Join(", ", outdated.Select(t => t.Display)));
        }

        return outdated;
    }

    /// <summary>Monthly partitions ahead, and retention: the partitions it dropped are logged.</summary>
    public async Task MaintainAsync(CancellationToken cancellationToken)
    {
        var dropped = await installer.MaintainPartitionsAsync(time.GetUtcNow(), cancellationToken);
        if (dropped.Count > 0)
        {
            logger.LogInformation("Audit retention ({Months} months) dropped {Partitions}", options.Value.RetentionMonths, string.Join(", ", dropped));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IsConfigured)
        {
            return;
        }

        await AuditRounds.RunAsync(async cancellationToken =>
        {
            if (options.Value.RegenerateOnChange)
            {
                await RunOnceAsync(cancellationToken);
            }

            await MaintainAsync(cancellationToken);
        }, options.Value.UpkeepInterval, "Upkeep of the audit trail (capture against the tables, partitions, retention) failed", logger, stoppingToken);
    }
}
