using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Web.Audit;

/// <summary>
/// Keeps the capture in step with the tables: a table whose columns changed (ALTER TABLE) is reinstalled, so its rows
/// go back from the jsonb fallback to its shadow table within one interval. Tables the report calls Broken (a
/// trigger disabled or dropped) are left for a person: putting them back silently would hide what was done.
/// </summary>
public sealed class AuditUpkeep(IOptions<AuditOptions> options, AuditInstaller installer, ILogger<AuditUpkeep> logger) : BackgroundService
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IsConfigured || !options.Value.RegenerateOnChange)
        {
            return;
        }

        await AuditRounds.RunAsync(RunOnceAsync, options.Value.UpkeepInterval, "Checking the audit capture against the tables failed", logger, stoppingToken);
    }
}
