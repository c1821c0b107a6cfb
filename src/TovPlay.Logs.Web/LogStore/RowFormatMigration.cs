using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Chunks;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>
/// Moves a store written by earlier versions (one row per line in <c>logstore.entries</c>, partitioned by day) into
/// chunks, one day at a time: the day's chunks are written and its partition dropped in one transaction, so a crash
/// or a stop leaves each day either moved or not, and the next start goes on from there. Every line is kept, with its
/// metadata; exact duplicates a store may hold stay as they were (reads drop them).
/// </summary>
public sealed class RowFormatMigration(LogStoreDatabase database, Partitions partitions, IOptions<LogStoreOptions> options, ILogger<RowFormatMigration> logger)
{
    // Serialises the move between instances starting together; a different key from the store's other locks.
    private const long LockKey = 0x7470_6D69_6772;

    private const int ChunksPerCopy = 256;

    /// <summary>Moves whatever is left in the row format; returns the lines moved.</summary>
    public async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        var days = await OldPartitionsAsync(cancellationToken);
        if (days is null)
        {
            return 0;
        }

        long moved = 0;
        foreach (var (table, day) in days)
        {
            var lines = await MoveAsync(table, day, cancellationToken);
            moved += lines;
            if (lines > 0)
            {
                // An empty day's partition (made ahead of time) is dropped without a word.
                logger.LogInformation("Log store: moved {Lines} lines of {Day} from rows into chunks", lines, day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        await using (var connection = await database.OpenAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken);
            if ((await OldPartitionsAsync(cancellationToken))?.Count is 0)
            {
                await ExecuteAsync(connection, transaction, "DROP TABLE IF EXISTS logstore.entries", cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        if (moved > 0)
        {
            logger.LogInformation("Log store: {Lines} lines moved from the row format of earlier versions into chunks", moved);
        }

        return moved;
    }

    /// <summary>The old table's daily partitions; null when there is no old table.</summary>
    private async Task<List<(string Table, DateOnly Day)>?> OldPartitionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = to_regclass('logstore.entries') ORDER BY c.relname
            """, connection);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('logstore.entries') IS NOT NULL", connection))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return null;
            }
        }

        var days = new List<(string, DateOnly)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var table = reader.GetString(0);
            if (DateOnly.TryParseExact(table.Replace("entries_", "", StringComparison.Ordinal), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                days.Add((table, day));
            }
        }

        return days;
    }

    private async Task<long> MoveAsync(string table, DateOnly day, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await partitions.EnsureAsync([day], cancellationToken);
        await using var writer = await database.OpenAsync(cancellationToken);
        await using var transaction = await writer.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(writer, transaction, $"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", writer, transaction))
        {
            exists.Parameters.AddWithValue("name", $"logstore.\"{table}\"");
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return 0;
            }
        }

        // Read on a second connection while the first writes: one connection cannot COPY in while a result streams out.
        long lines = 0;
        await using (var source = await database.OpenAsync(cancellationToken))
        await using (var read = new NpgsqlCommand($"SELECT stream_id, ts, line, metadata FROM logstore.\"{table}\" ORDER BY stream_id, ts", source))
        {
            read.CommandTimeout = 0;
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            var pending = new List<(long, EncodedChunk)>();
            var cutter = new ChunkCutter(settings.ChunkLineBytes, ChunkCodec.Zstd, settings.CompactionCompressionLevel);
            var stream = long.MinValue;
            try
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var streamId = reader.GetInt64(0);
                    if (streamId != stream)
                    {
                        if (cutter.Flush() is { } last)
                        {
                            pending.Add((stream, last));
                        }

                        stream = streamId;
                    }

                    var entry = new LogEntry(reader.GetInt64(1), reader.GetString(2), MetadataColumn.Read(reader, 3));
                    if (cutter.Add(entry) is { } full)
                    {
                        pending.Add((stream, full));
                    }

                    lines++;
                    if (pending.Count >= ChunksPerCopy)
                    {
                        await ChunkRows.CopyAsync(writer, pending, compacted: true, cancellationToken);
                        pending.Clear();
                    }
                }

                if (cutter.Flush() is { } rest)
                {
                    pending.Add((stream, rest));
                }

                await ChunkRows.CopyAsync(writer, pending, compacted: true, cancellationToken);
            }
            finally
            {
                cutter.Dispose();
            }
        }

        await ExecuteAsync(writer, transaction, $"DROP TABLE logstore.\"{table}\"", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return lines;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
