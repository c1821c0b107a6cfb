using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Push;

namespace TovPlay.Logs.Web.Audit;

/// <summary>
/// Seals new audited statements every <see cref="AuditOptions.SealInterval"/> and copies each checkpoint into the
/// log store (embedded or Loki); failures are logged and retried.
/// </summary>
public sealed class AuditSealer(IOptions<AuditOptions> options, AuditSeal seal, IAuditLogSink sink, TimeProvider time, ILogger<AuditSealer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IsConfigured || !options.Value.Seal)
        {
            return;
        }

        await AuditRounds.RunAsync(async cancellationToken =>
        {
            while (await seal.SealCheckpointAsync(cancellationToken) is { } checkpoint)
            {
                await CopyAsync(checkpoint, cancellationToken);
                if (checkpoint.Count < AuditSeal.MaxPerCheckpoint)
                {
                    break;
                }
            }
        }, options.Value.SealInterval, "Sealing the audit trail failed", logger, stoppingToken);
    }

    private async Task CopyAsync(SealCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var database = new NpgsqlConnectionStringBuilder(options.Value.TargetConnection).Database ?? "";
        var now = (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        var labels = LabelSet.From(("job", AuditLogLine.Job), ("service", "postgres"), ("level", "info"));
        await sink.WriteAsync([new PushStream(labels, [new LogEntry(now, AuditLogLine.SealLine(database, checkpoint))])], cancellationToken);
    }
}
