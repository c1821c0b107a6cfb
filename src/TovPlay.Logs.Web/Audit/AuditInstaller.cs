using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Web.Audit;

/// <summary>Installs, removes and reports on the audit trail in the audited database: Domain writes the SQL, this runs it.</summary>
public sealed class AuditInstaller(IOptions<AuditOptions> options, bool shapeGuard = true)
{
    private AuditOptions Options => options.Value;

    public AuditSql Sql => new(Options.Schema, Options.OwnerRole, shapeGuard);

    public AuditDdlSql Ddl => new(Sql, Options.CaptureDdl, Options.KeepRowsBeforeDrop, Options.RefuseUnkeptDrop);

    private Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => AuditDatabase.OpenAsync(Options, cancellationToken);

    public async Task<IReadOnlyList<AuditedTable>> TablesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await AuditCatalog.TablesAsync(connection, Options.Schema, cancellationToken);
    }

    /// <summary>The exact SQL an install of these tables runs (schema first), for preview.</summary>
    public string PreviewInstall(IEnumerable<AuditedTable> tables) =>
        Sql.InstallSchema() + Ddl.Install() + string.Concat(tables.Select(Sql.InstallTable)) + Sql.FinishInstall();

    public string PreviewRemove(IEnumerable<AuditedTable> tables) => string.Concat(tables.Select(Sql.RemoveTable));

    /// <summary>Installs (or upgrades) the schema and these tables in one transaction: all or nothing.</summary>
    public Task InstallAsync(IReadOnlyCollection<AuditedTable> tables, CancellationToken cancellationToken) =>
        RunAsync(PreviewInstall(tables), cancellationToken);

    public Task RemoveAsync(IReadOnlyCollection<AuditedTable> tables, CancellationToken cancellationToken) =>
        RunAsync(PreviewRemove(tables), cancellationToken);

    public async Task<IReadOnlyList<TableCoverage>> CoverageAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var tables = await AuditCatalog.TablesAsync(connection, Options.Schema, cancellationToken);
        var installed = new List<InstalledTable>();
        uint? highOid = null;
        if (await AuditDatabase.ExistsAsync(connection, SqlText.Qualified(Options.Schema, "audited_tables"), cancellationToken))
        {
            await using (var high = new NpgsqlCommand($"SELECT max(catalog_high_oid) FROM {SqlText.Qualified(Options.Schema, "installation")}", connection))
            {
                highOid = await high.ExecuteScalarAsync(cancellationToken) is uint value ? value : null;
            }

            await using var command = new NpgsqlCommand(
                $"SELECT table_oid, columns_signature, version FROM {SqlText.Qualified(Options.Schema, "audited_tables")}", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                installed.Add(new InstalledTable(reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetInt32(2)));
            }
        }

        var triggers = new Dictionary<uint, IReadOnlyDictionary<string, bool>>();
        await using (var command = new NpgsqlCommand(
            "SELECT tgrelid, tgname, tgenabled <> 'D' FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'tovplay\\_audit\\_%'", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var oid = reader.GetFieldValue<uint>(0);
                if (!triggers.TryGetValue(oid, out var names))
                {
                    triggers[oid] = names = new Dictionary<string, bool>();
                }

                ((Dictionary<string, bool>)names)[reader.GetString(1)] = reader.GetBoolean(2);
            }
        }

        return AuditCoverage.Assess(tables, installed, triggers, highOid);
    }

    /// <summary>How long partition upkeep waits for a lock on the statements table before giving up until its next round.</summary>
    public static readonly TimeSpan UpkeepLockTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Keeps the statements' monthly partitions ready ahead and drops those past <see cref="AuditOptions.RetentionMonths"/>
    /// (with their row images); returns the partitions retention dropped this time. Nothing to do when not installed.
    /// </summary>
    public async Task<IReadOnlyList<string>> MaintainPartitionsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        if (!await AuditDatabase.ExistsAsync(connection, SqlText.Qualified(Options.Schema, "retention"), cancellationToken))
        {
            return [];
        }

        var partitions = new AuditPartitions(Sql);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, cancellationToken);
        // A new month or a retention drop needs the statements table's strongest lock: behind an open transaction that
        // wrote to it, waiting would queue every audited write behind this one. Give up at once; the next round retries.
        await using (var patience = new NpgsqlCommand($"SET LOCAL lock_timeout = '{UpkeepLockTimeout.TotalMilliseconds:0}ms'", connection, transaction))
        {
            await patience.ExecuteNonQueryAsync(cancellationToken);
        }

        long before;
        await using (var mark = new NpgsqlCommand($"SELECT coalesce(max(id), 0) FROM {SqlText.Qualified(Options.Schema, "retention")}", connection, transaction))
        {
            before = (long)(await mark.ExecuteScalarAsync(cancellationToken))!;
        }

        var sql = partitions.EnsureMonths(AuditSql.MonthsAhead);
        if (Options.RetentionMonths > 0)
        {
            var first = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
            sql += partitions.DropExpired(first.AddMonths(-Options.RetentionMonths));
        }

        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var dropped = new List<string>();
        await using (var read = new NpgsqlCommand($"SELECT partition_name FROM {SqlText.Qualified(Options.Schema, "retention")} WHERE id > @before ORDER BY id", connection, transaction))
        {
            read.Parameters.AddWithValue("before", before);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                dropped.Add(reader.GetString(0));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return dropped;
    }

    /// <summary>
    /// One change of the audit's objects at a time per database (two admins, or an admin and the upkeep job):
    /// concurrent CREATE OR REPLACE of the same functions would fail with "tuple concurrently updated".
    /// </summary>
    private async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@key))", connection, transaction);
        command.Parameters.AddWithValue("key", "tovplay-logs audit install " + Options.Schema);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task RunAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, cancellationToken);
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
