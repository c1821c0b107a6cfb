using Microsoft.Extensions.Options;
using Npgsql;

namespace TovPlay.Logs.Web.Audit;

/// <summary>Seals new audited statements every <see cref="AuditOptions.SealInterval"/>; failures are logged and retried.</summary>
public sealed class AuditSealer(IOptions<AuditOptions> options, AuditSeal seal, ILogger<AuditSealer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IsConfigured || !options.Value.Seal)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await seal.SealAsync(stoppingToken) == AuditSeal.MaxPerCheckpoint)
                {
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Sealing the audit trail failed; retrying in {Interval}", options.Value.SealInterval);
            }

            await Task.Delay(options.Value.SealInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
