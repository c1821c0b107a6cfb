using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Push;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.Audit;

/// <summary>
/// Copies each audited statement into the log store (embedded or Loki) as one line (<c>job="tovplay-db-audit"</c>), so the
/// evidence survives the audited database. Exactly once across restarts: the high-water mark lives beside the trail
/// and moves only after the store committed; a batch written twice after a crash is dropped by the store as exact
/// duplicates. A failure is logged and retried on the next round; nothing is skipped.
/// </summary>
public sealed class AuditShipper(IOptions<AuditOptions> options, ILogSink sink, ILogger<AuditShipper> logger) : BackgroundService
{
    public const int BatchSize = 1000;

    private AuditOptions Options => options.Value;

    private string Obj(string name) => SqlText.Qualified(Options.Schema, name);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Options.IsConfigured || !Options.ShipToLogStore)
        {
            return;
        }

        await AuditRounds.RunAsync(async cancellationToken =>
        {
            while (await ShipOnceAsync(cancellationToken) == BatchSize)
            {
            }
        }, Options.ShipInterval, "Shipping audited statements to the log store failed", logger, stoppingToken);
    }

    /// <summary>Ships the next batch after the high-water mark; returns how many statements it shipped.</summary>
    public async Task<int> ShipOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await AuditDatabase.OpenAsync(Options, cancellationToken);
        if (!await AuditDatabase.ExistsAsync(connection, Obj("shipping"), cancellationToken))
        {
            return 0;
        }

        var mark = await MarkAsync(connection, cancellationToken);
        var batch = await StatementsAfterAsync(connection, mark, cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        var streams = PushStream.Group(batch, s => AuditLogLine.Labels(s, Options.ShipEnvironment), s => new LogEntry(AuditLogLine.TimestampNs(s), AuditLogLine.Line(s)));
        try
        {
            await sink.WriteAsync(streams, cancellationToken);
        }
        catch (LinesRefusedException ex)
        {
            // Retrying cannot help: say which statements the store lacks (the trail keeps them) and go on.
            logger.LogError("Audited statements {First} to {Last} were not copied to the log store ({Sink}), which refused them for good: {Reason}. They remain in the audit trail.",
                batch[0].Id, batch[^1].Id, sink.Name, ex.Message);
        }

        await using var advance = new NpgsqlCommand(
            $"INSERT INTO {Obj("shipping")} (sink, last_statement_id) VALUES (@sink, @id) ON CONFLICT (sink) DO UPDATE SET last_statement_id = EXCLUDED.last_statement_id, updated_at = clock_timestamp()",
            connection);
        advance.Parameters.AddWithValue("sink", sink.Name);
        advance.Parameters.AddWithValue("id", batch[^1].Id);
        await advance.ExecuteNonQueryAsync(cancellationToken);
        return batch.Count;
    }

    private async Task<long> MarkAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT last_statement_id FROM {Obj("shipping")} WHERE sink = @sink", connection);
        command.Parameters.AddWithValue("sink", sink.Name);
        return await command.ExecuteScalarAsync(cancellationToken) is long mark ? mark : 0;
    }

    // An open transaction may still commit an id lower than one already visible: only final statements go.
    private Task<List<AuditStatement>> StatementsAfterAsync(NpgsqlConnection connection, long mark, CancellationToken cancellationToken) =>
        AuditDatabase.StatementsAsync(connection, Options.Schema, $"id > @mark AND captured_at < {AuditSql.FinishedBefore}",
            p => p.AddWithValue("mark", mark), cancellationToken, BatchSize);
}
