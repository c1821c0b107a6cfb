using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Logs.Chunks;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>
/// Rewrites the chunks pushes wrote (as large as the push, compressed fast) into chunks of
/// <see cref="LogStoreOptions.ChunkLineBytes"/> compressed harder, as Loki's ingesters cut and flush chunks. A stream's
/// small pushed chunks of a day are merged once they add up to a chunk's worth; every pushed chunk, small or not, is
/// rewritten once it is <see cref="LogStoreOptions.CompactionIdle"/> old, so a burst of pushes is not slowed by
/// compaction competing for the processor while it lasts. Small compacted chunks join the rewrite, so a slow stream's
/// last chunk grows instead of many small ones piling up. Each step is one transaction (the new chunks in, the old
/// ones out), so a reader's snapshot sees one or the other, never both or neither; one instance compacts at a time.
/// </summary>
public sealed class ChunkCompactor(LogStoreDatabase database, IOptions<LogStoreOptions> options, TimeProvider time, ILogger<ChunkCompactor> logger) : BackgroundService
{
    // An arbitrary constant, different from the schema's and the partitions' locks.
    private const long LockKey = 0x7470_636F_6D70;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(long StreamId, long Day), bool> _damaged = new();

    /// <summary>Chunks rewritten in one transaction at most, which bounds the memory of one step.</summary>
    public const int ChunksPerStep = 64;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CompactionInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CompactOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Log store compaction failed; it tries again in {Interval}", options.Value.CompactionInterval);
            }
        }
    }

    /// <summary>
    /// One round; <paramref name="everything"/> takes every fresh chunk, settled or not, and waits for another
    /// instance's round to end rather than leaving the work to it. Returns the chunks rewritten.
    /// </summary>
    public async Task<int> CompactOnceAsync(CancellationToken cancellationToken, bool everything = false)
    {
        var settings = options.Value;
        var candidates = new List<(long StreamId, long Day)>();
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            // Chunk summaries only: the scan reads no compressed data (it lives out of line).
            await using var command = new NpgsqlCommand(
                $"""
                SELECT stream_id, min_ts / @day AS day
                FROM logstore.chunks
                WHERE {Eligible}
                GROUP BY 1, 2
                HAVING bool_or(NOT compacted)
                   AND (@everything OR bool_or(NOT compacted AND created_at < @settled)
                        OR coalesce(sum(line_bytes) FILTER (WHERE NOT compacted AND line_bytes < @small), 0) >= @target)
                """, connection);
            command.Parameters.AddWithValue("day", ChunkCutter.NsPerDay);
            AddThresholds(command, everything);
            command.Parameters.AddWithValue("target", (long)settings.ChunkLineBytes);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                candidates.Add((reader.GetInt64(0), reader.GetInt64(1)));
            }
        }

        var rewritten = 0;
        foreach (var (streamId, day) in candidates.Where(c => !_damaged.ContainsKey(c)))
        {
            int step;
            try
            {
                do
                {
                    step = await CompactStepAsync(streamId, day, everything, cancellationToken);
                    rewritten += Math.Max(0, step);
                }
                while (step >= ChunksPerStep);
            }
            catch (InvalidDataException damaged)
            {
                // Left as it is (a query over it fails and says why) and not tried again by this process: a stuck
                // rewrite must not stop compaction of every other stream, nor fill the log every round.
                _damaged[(streamId, day)] = true;
                logger.LogError(damaged, "Log store compaction skips stream {Stream} on day {Day}: a chunk of it is damaged", streamId, Partitions.DayOf(day * ChunkCutter.NsPerDay));
                continue;
            }

            if (step < 0)
            {
                break;
            }
        }

        return rewritten;
    }

    /// <summary>What a rewrite takes: small chunks, pushed or compacted, and pushed chunks that have settled.</summary>
    private const string Eligible = "(line_bytes < @small OR (NOT compacted AND (@everything OR created_at < @settled)))";

    private void AddThresholds(NpgsqlCommand command, bool everything)
    {
        command.Parameters.AddWithValue("small", (long)options.Value.ChunkLineBytes / 2);
        command.Parameters.AddWithValue("settled", time.GetUtcNow() - options.Value.CompactionIdle);
        command.Parameters.AddWithValue("everything", everything);
    }

    /// <summary>Rewrites up to <see cref="ChunksPerStep"/> of a stream's day; -1 when another instance is compacting.</summary>
    private async Task<int> CompactStepAsync(long streamId, long day, bool everything, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var locked = new NpgsqlCommand(
            everything ? $"SELECT true FROM pg_advisory_xact_lock({LockKey})" : $"SELECT pg_try_advisory_xact_lock({LockKey})", connection, transaction))
        {
            if (await locked.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return -1;
            }
        }

        var chunks = new List<StoredChunk>();
        await using (var select = new NpgsqlCommand(
            $"""
            SELECT {ChunkRows.Columns(withEntries: true)} FROM logstore.chunks
            WHERE stream_id = @stream AND min_ts >= @from AND min_ts < @to AND {Eligible}
            ORDER BY min_ts, id LIMIT {ChunksPerStep} FOR UPDATE
            """, connection, transaction))
        {
            select.Parameters.AddWithValue("stream", streamId);
            select.Parameters.AddWithValue("from", day * ChunkCutter.NsPerDay);
            select.Parameters.AddWithValue("to", (day + 1) * ChunkCutter.NsPerDay);
            AddThresholds(select, everything);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                chunks.Add(ChunkRows.Read(reader, withEntries: true));
            }
        }

        // A lone compacted chunk has nothing to join; it waits for fresh ones.
        if (chunks.Count == 0 || (chunks.Count == 1 && chunks[0].Compacted))
        {
            return 0;
        }

        var merged = ChunkRewrite.Merge(chunks, keepFromNs: long.MinValue, settings.ChunkLineBytes, settings.CompactionCompressionLevel);
        await ChunkRows.CopyAsync(connection, merged.Select(c => (streamId, c)), compacted: true, cancellationToken);
        await ChunkRewrite.DeleteAsync(connection, transaction, streamId, chunks, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return chunks.Count;
    }

}
