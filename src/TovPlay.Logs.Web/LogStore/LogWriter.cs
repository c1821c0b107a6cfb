using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Push;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>
/// Appends validated pushes to the store. Concurrent pushes are gathered into one transaction (group commit: one
/// binary COPY and one fsync for many small pushes), and each push's task completes only after that commit, so a
/// client that got its 2xx has its lines on disk. A failed commit fails every push in it; nothing is half-written.
/// </summary>
public sealed class LogWriter : BackgroundService
{
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly LogStoreDatabase _database;
    private readonly StreamRegistry _streams;
    private readonly Partitions _partitions;
    private readonly IngestFeed _feed;
    private readonly HeadCache _head;
    private readonly LogStoreOptions _options;
    private readonly ILogger<LogWriter> _logger;
    private readonly HashSet<(long StreamId, DateOnly Day)> _knownDays = [];

    /// <summary>Recent entries remembered per stream to drop exact repeats; about 160 KB per busy stream.</summary>
    public const int RecentPerStream = 10_000;

    private readonly Dictionary<long, RecentEntries> _recent = [];

    public LogWriter(LogStoreDatabase database, StreamRegistry streams, Partitions partitions, IngestFeed feed, HeadCache head, IOptions<LogStoreOptions> options, ILogger<LogWriter> logger)
    {
        _head = head;
        _database = database;
        _streams = streams;
        _partitions = partitions;
        _feed = feed;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Completes when the entries are committed; returns how many were new (exact duplicates are dropped).</summary>
    public Task<int> WriteAsync(IReadOnlyList<PushStream> streams, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite(streams, cancellationToken);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new LogStoreUnavailableException("the log store is shutting down");
        }

        return pending.Completion.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingWrite>();
        while (await WaitAsync(stoppingToken))
        {
            batch.Clear();
            var lines = 0;
            while (lines < _options.MaxLinesPerCommit && _queue.Reader.TryRead(out var next))
            {
                if (next.CancellationToken.IsCancellationRequested)
                {
                    next.Completion.TrySetCanceled(next.CancellationToken);
                    continue;
                }

                batch.Add(next);
                lines += next.Lines;
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var (written, committed) = await CommitAsync(batch, stoppingToken);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(written[i]);
                }

                _feed.Publish(committed);
            }
            catch (Exception ex)
            {
                // Every push of the batch learns of the failure; the loop itself goes on with the next batch.
                _logger.LogWarning(ex, "Log store commit of {Lines} lines from {Pushes} pushes failed", lines, batch.Count);
                var failure = ex is NpgsqlException or TimeoutException or IOException or OperationCanceledException
                    ? new LogStoreUnavailableException("the log store database is unavailable", ex)
                    : ex;
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(failure);
                }

                if (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        while (_queue.Reader.TryRead(out var pending))
        {
            pending.Completion.TrySetException(new LogStoreUnavailableException("the log store is shutting down"));
        }
    }

    private async Task<bool> WaitAsync(CancellationToken stoppingToken)
    {
        try
        {
            return await _queue.Reader.WaitToReadAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<(int[] Written, List<CommittedStream> Committed)> CommitAsync(List<PendingWrite> batch, CancellationToken cancellationToken)
    {
        var labelSets = batch.SelectMany(p => p.Streams).Select(s => s.Labels).Distinct().ToList();
        var resolved = await _streams.ResolveAsync(labelSets, cancellationToken);
        var ids = labelSets.Zip(resolved).ToDictionary(p => p.First, p => p.Second);

        // Duplicates are judged against what was recently committed and what this batch already holds.
        var seen = new HashSet<(long, long, ulong)>();
        var written = new int[batch.Count];
        var rows = new List<(StoredStream Stream, LogEntry Entry, (long, ulong) Key)>();
        for (var i = 0; i < batch.Count; i++)
        {
            foreach (var stream in batch[i].Streams)
            {
                var stored = ids[stream.Labels];
                var recent = _recent.GetValueOrDefault(stored.Id);
                foreach (var entry in stream.Entries)
                {
                    var key = RecentEntries.KeyOf(entry.TimestampNs, entry.Line);
                    if (recent?.Contains(key) == true || !seen.Add((stored.Id, key.Item1, key.Item2)))
                    {
                        continue;
                    }

                    rows.Add((stored, entry, key));
                    written[i]++;
                }
            }
        }

        var newDays = rows.Select(r => (r.Stream.Id, Partitions.DayOf(r.Entry.TimestampNs))).Distinct().Where(d => !_knownDays.Contains(d)).ToList();
        await _partitions.EnsureAsync(newDays.Select(d => d.Item2), cancellationToken);

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (newDays.Count > 0)
        {
            await using var days = new NpgsqlCommand(
                "INSERT INTO logstore.stream_days (stream_id, day) SELECT * FROM unnest(@ids, @days) ON CONFLICT DO NOTHING", connection, transaction);
            days.Parameters.AddWithValue("ids", newDays.Select(d => d.Item1).ToArray());
            days.Parameters.AddWithValue("days", newDays.Select(d => d.Item2).ToArray());
            await days.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY logstore.entries (stream_id, ts, line, metadata) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (stream, entry, _) in rows)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(stream.Id, NpgsqlDbType.Bigint, cancellationToken);
                await importer.WriteAsync(entry.TimestampNs, NpgsqlDbType.Bigint, cancellationToken);
                await importer.WriteAsync(entry.Line, NpgsqlDbType.Text, cancellationToken);
                if (entry.Metadata is { Count: > 0 } metadata)
                {
                    await importer.WriteAsync(MetadataJson(metadata), NpgsqlDbType.Jsonb, cancellationToken);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken);
                }
            }

            await importer.CompleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);

        // Into the head before anyone is told the push succeeded: a query right after the answer must see it.
        _head.Add(rows.Select(r => (r.Stream.Id, r.Entry)));

        foreach (var day in newDays)
        {
            _knownDays.Add(day);
        }

        foreach (var (stream, entry, key) in rows)
        {
            if (!_recent.TryGetValue(stream.Id, out var recent))
            {
                _recent[stream.Id] = recent = new RecentEntries(RecentPerStream);
            }

            recent.Add(key);
            stream.Advance(entry.TimestampNs);
        }

        var committed = rows.GroupBy(r => r.Stream).Select(g => new CommittedStream(g.Key.Labels, [.. g.Select(r => r.Entry)])).ToList();
        return (written, committed);
    }

    public static string MetadataJson(LabelSet metadata) =>
        JsonSerializer.Serialize(metadata.Pairs.ToDictionary(p => p.Key, p => p.Value));

    private sealed class PendingWrite(IReadOnlyList<PushStream> streams, CancellationToken cancellationToken)
    {
        public IReadOnlyList<PushStream> Streams { get; } = streams;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public int Lines { get; } = streams.Sum(s => s.Entries.Count);

        public TaskCompletionSource<int> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
