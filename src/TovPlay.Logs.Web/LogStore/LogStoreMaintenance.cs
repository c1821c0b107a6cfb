using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Logs.Chunks;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>
/// Keeps the store in shape: creates its schema before the app serves, then every hour makes sure the partitions for
/// every day a push may still target exist, drops the days past the longest retention and deletes, per job, entries
/// past that job's shorter retention. Before anything, a store still in the row format of earlier versions is moved
/// into chunks (<see cref="RowFormatMigration"/>).
/// </summary>
public sealed class LogStoreMaintenance(
    LogStoreDatabase database,
    StreamRegistry streams,
    Partitions partitions,
    HeadCache head,
    RowFormatMigration migration,
    IOptions<LogStoreOptions> options,
    TimeProvider time,
    ILogger<LogStoreMaintenance> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await LogStoreSchema.EnsureAsync(database.DataSource, cancellationToken);
        await streams.RefreshAsync(cancellationToken, force: true);
        await EnsurePartitionsAsync(cancellationToken);
        await migration.RunAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await head.LoadAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidDataException && !stoppingToken.IsCancellationRequested)
        {
            // Without a head every query reads the database: slower, still right (a damaged chunk's stream fails its
            // queries with the reason, instead of the app stopping here).
            logger.LogWarning(ex, "The log store head could not be loaded; queries read the database");
        }

        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidDataException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Log store maintenance failed; it runs again in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass of partition upkeep and retention; returns the days dropped.</summary>
    public async Task<IReadOnlyList<DateOnly>> RunOnceAsync(CancellationToken cancellationToken)
    {
        await EnsurePartitionsAsync(cancellationToken);
        var settings = options.Value;
        var now = time.GetUtcNow();
        var longest = settings.RetentionByJob.Values.Append(settings.Retention).Max();

        // A day goes when all of it is older than the longest retention.
        var lastKept = DateOnly.FromDateTime((now - longest).UtcDateTime);
        var dropped = new List<DateOnly>();
        foreach (var day in await partitions.ListAsync(cancellationToken))
        {
            if (day < lastKept)
            {
                await partitions.DropAsync(day, cancellationToken);
                dropped.Add(day);
            }
        }

        if (dropped.Count > 0)
        {
            logger.LogInformation("Log store retention dropped {Days} day(s), the oldest {Oldest}", dropped.Count, dropped[0]);
        }

        await RetireStreamsAsync(lastKept, cancellationToken);

        await streams.RefreshAsync(cancellationToken, force: true);
        foreach (var group in streams.All.GroupBy(s => s.Job))
        {
            var retention = settings.RetentionFor(group.Key);
            if (retention >= longest)
            {
                continue;
            }

            var cutoff = LogSources.TimeWindow.Ns(now - retention);
            var deleted = await RetainAsync([.. group.Select(s => s.Id)], cutoff, cancellationToken);
            if (deleted > 0)
            {
                logger.LogInformation("Log store retention deleted {Entries} entries of job {Job} older than {Retention}", deleted, group.Key ?? "(none)", retention);
            }
        }

        return dropped;
    }

    /// <summary>
    /// Deletes the streams' entries before <paramref name="cutoff"/>: chunks wholly older go, and a chunk that reaches
    /// across the cutoff is rewritten without its older part. Returns the entries deleted.
    /// </summary>
    private async Task<long> RetainAsync(long[] streamIds, long cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long deleted;
        await using (var command = new NpgsqlCommand("DELETE FROM logstore.chunks WHERE stream_id = ANY(@ids) AND max_ts < @cutoff RETURNING lines", connection, transaction))
        {
            command.Parameters.AddWithValue("ids", streamIds);
            command.Parameters.AddWithValue("cutoff", cutoff);
            command.CommandTimeout = 0;
            deleted = 0;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                deleted += reader.GetInt32(0);
            }
        }

        var straddling = new List<StoredChunk>();
        await using (var command = new NpgsqlCommand(
            $"SELECT {ChunkRows.Columns(withEntries: true)} FROM logstore.chunks WHERE stream_id = ANY(@ids) AND min_ts < @cutoff AND min_ts >= @earliest AND max_ts >= @cutoff FOR UPDATE",
            connection, transaction))
        {
            command.Parameters.AddWithValue("ids", streamIds);
            command.Parameters.AddWithValue("cutoff", cutoff);
            command.Parameters.AddWithValue("earliest", cutoff - ChunkCutter.MaxSpanNs);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                straddling.Add(ChunkRows.Read(reader, withEntries: true));
            }
        }

        var settings = options.Value;
        foreach (var chunk in straddling)
        {
            var kept = ChunkRewrite.Merge([chunk], cutoff, settings.ChunkLineBytes, settings.CompactionCompressionLevel);
            deleted += OpenedChunk.ReadTimestamps(chunk.Codec, chunk.Timestamps).Length - kept.Sum(c => c.Count);
            await ChunkRows.CopyAsync(connection, kept.Select(c => (chunk.StreamId, c)), compacted: true, cancellationToken);
            await ChunkRewrite.DeleteAsync(connection, transaction, chunk.StreamId, [chunk], cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <summary>
    /// Streams with no entries left on any kept day are deleted, and forgotten: every stream costs memory while the app
    /// runs, and the store's stream limit counts them, so label values that come and go (a request id someone made a
    /// label) must not add up forever. A stream created within the retention is kept even without days yet.
    /// </summary>
    private async Task RetireStreamsAsync(DateOnly lastKept, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var days = new NpgsqlCommand("DELETE FROM logstore.stream_days WHERE day < @lastKept", connection))
        {
            days.Parameters.AddWithValue("lastKept", lastKept);
            await days.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var retire = new NpgsqlCommand(
            """
            DELETE FROM logstore.streams s
            WHERE s.created_at < @createdBefore AND NOT EXISTS (SELECT 1 FROM logstore.stream_days d WHERE d.stream_id = s.id)
            RETURNING s.id
            """, connection);
        retire.Parameters.AddWithValue("createdBefore", lastKept.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        var retired = new List<long>();
        await using (var reader = await retire.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                retired.Add(reader.GetInt64(0));
            }
        }

        if (retired.Count > 0)
        {
            streams.Forget(retired);
            logger.LogInformation("Log store retention retired {Streams} stream(s) without entries", retired.Count);
        }
    }

    private Task EnsurePartitionsAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var longest = settings.RetentionByJob.Values.Append(settings.Retention).Max();
        var back = (int)Math.Ceiling(Math.Min(settings.RejectOldSamplesMaxAge.TotalDays, longest.TotalDays));
        var days = Enumerable.Range(-back, back + settings.PartitionsAhead + 1).Select(today.AddDays);
        return partitions.EnsureAsync(days, cancellationToken);
    }
}
