using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Push;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.Audit;

/// <summary>
/// Seals new audited statements every <see cref="AuditOptions.SealInterval"/> and copies each checkpoint into the
/// log store (embedded or Loki); failures are logged and retried.
/// </summary>
public sealed class AuditSealer(IOptions<AuditOptions> options, AuditSeal seal, ILogSink sink, ILogger<AuditSealer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IsConfigured || !options.Value.Seal)
        {
            return;
        }

        await AuditRounds.RunAsync(RoundAsync, options.Value.SealInterval, "Sealing the audit trail failed", logger, stoppingToken);
    }

    /// <summary>Seals what is new, then copies every checkpoint not copied yet (one that failed last round goes again).</summary>
    public async Task RoundAsync(CancellationToken cancellationToken)
    {
        while (await seal.SealCheckpointAsync(cancellationToken) is { Count: AuditSeal.MaxPerCheckpoint })
        {
        }

        var database = new NpgsqlConnectionStringBuilder(options.Value.TargetConnection).Database ?? "";
        var labels = AuditLogLine.Stream("info", options.Value.ShipEnvironment);
        foreach (var (checkpoint, sealedAt) in await seal.UncopiedAsync(sink.Name, cancellationToken))
        {
            // Stamped with the time it was sealed: a copy sent twice is the same entry, which the store drops.
            var at = (sealedAt - DateTimeOffset.UnixEpoch).Ticks * 100;
            try
            {
                await sink.WriteAsync([PushStream.Of(labels, [new LogEntry(at, AuditLogLine.SealLine(database, checkpoint))])], cancellationToken);
            }
            catch (LinesRefusedException ex)
            {
                logger.LogError("Seal checkpoint {Seal} was not copied to the log store ({Sink}), which refused it for good: {Reason}", checkpoint.Id, sink.Name, ex.Message);
            }

            await seal.MarkCopiedAsync(sink.Name, checkpoint.Id, cancellationToken);
        }
    }
}
