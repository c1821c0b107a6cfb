using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Chunks;
using TovPlay.Logs.Domain.Logs.Push;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>
/// Appends validated pushes to the store. Concurrent pushes are gathered into one transaction (group commit: one
/// binary COPY of each stream's chunks and one fsync for many small pushes), and each push's task completes only
/// after that commit, so a client that got its 2xx has its lines on disk. A failed commit fails every push in it;
/// nothing is half-written. The chunks are compressed fast; <see cref="ChunkCompactor"/> makes large ones of them.
/// </summary>
public sealed class LogWriter : BackgroundService
{
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly LogStoreDatabase _database;
    private readonly StreamRegistry _streams;
    private readonly Partitions _partitions;
    private readonly IngestFeed _feed;
    private readonly HeadCache _head;
    private readonly CommitAnnouncements _announcements;
    private readonly LogStoreOptions _options;
    private readonly ILogger<LogWriter> _logger;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(long StreamId, DateOnly Day), bool> _knownDays = new();
    private readonly SemaphoreSlim _slots;
    private readonly HashSet<Task> _inFlight = [];

    /// <summary>Recent entries remembered per stream to drop exact repeats; about 160 KB per busy stream.</summary>
    public const int RecentPerStream = 10_000;

    private readonly Dictionary<long, RecentEntries> _recent = [];

    public LogWriter(
        LogStoreDatabase database, StreamRegistry streams, Partitions partitions, IngestFeed feed, HeadCache head, CommitAnnouncements announcements,
        IOptions<LogStoreOptions> options, ILogger<LogWriter> logger)
    {
        _announcements = announcements;
        _head = head;
        _slots = new SemaphoreSlim(Math.Max(1, options.Value.ConcurrentCommits));
        _database = database;
        _streams = streams;
        _partitions = partitions;
        _feed = feed;
        _options = options.Value;
        _logger = logger;
        streams.Retired += ForgetStreams;
    }

    private void ForgetStreams(IReadOnlyCollection<long> ids)
    {
        lock (_recent)
        {
            foreach (var id in ids)
            {
                _recent.Remove(id);
            }
        }

        foreach (var key in _knownDays.Keys.Where(k => ids.Contains(k.StreamId)))
        {
            _knownDays.TryRemove(key, out _);
        }
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

            // Up to a few commits in flight: while one waits for its fsync, the next batch is already being written,
            // and PostgreSQL flushes them together.
            await _slots.WaitAsync(CancellationToken.None);
            var taken = batch.ToList();
            var commit = CommitBatchAsync(taken, lines, stoppingToken);
            lock (_inFlight)
            {
                _inFlight.Add(commit);
            }

            _ = commit.ContinueWith(
                t =>
                {
                    lock (_inFlight)
                    {
                        _inFlight.Remove(t);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task CommitBatchAsync(List<PendingWrite> batch, int lines, CancellationToken stoppingToken)
    {
        try
        {
            await WriteBatchAsync(batch, lines, stoppingToken);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task WriteBatchAsync(List<PendingWrite> batch, int lines, CancellationToken stoppingToken)
    {
        List<StreamRows>? rows = null;
        try
        {
            (var written, rows) = await PrepareAsync(batch, stoppingToken);
            List<CommittedStream> committed;
            try
            {
                committed = await CommitAsync(rows, stoppingToken);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CheckViolation)
            {
                // "No partition for row": a day this instance knew of was dropped by another instance's retention.
                // Nothing was committed; learn again which days exist and write once more.
                var days = rows.SelectMany(r => DaysOf(r.Entries)).Distinct().ToList();
                _partitions.Forget(days);
                foreach (var key in _knownDays.Keys.Where(k => days.Contains(k.Day)))
                {
                    _knownDays.TryRemove(key, out _);
                }

                committed = await CommitAsync(rows, stoppingToken);
            }

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(written[i]);
            }

            _feed.Publish(committed);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // A stream resolved here was retired meanwhile (by this replica's maintenance or another's). Nothing was
            // committed; the streams are forgotten, so the pushes' retry creates them anew.
            Forget(rows);
            _streams.Forget([.. (rows ?? []).Select(r => r.Stream.Id)]);
            _logger.LogWarning(ex, "A commit named a stream retired meanwhile; its {Pushes} pushes are told to retry", batch.Count);
            var failure = new LogStoreUnavailableException("a stream of this push was retired as it was written; retry", ex);
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(failure);
            }
        }
        catch (PostgresException ex) when (IsRefusedData(ex) && batch.Count > 1)
        {
            // One push held what PostgreSQL refuses to store, though it passed validation (a label set too large for the
            // streams' index, say). The others must not pay for it: each push is written again on its own, and only the
            // one that holds it fails.
            Forget(rows);
            _logger.LogWarning(ex, "Log store refused data in a commit of {Pushes} pushes; writing them one by one", batch.Count);
            foreach (var pending in batch)
            {
                await WriteBatchAsync([pending], pending.Lines, stoppingToken);
            }
        }
        catch (Exception ex)
        {
            // Every push of the batch learns of the failure; nothing of it was committed, so a retry is no repeat.
            Forget(rows);
            _logger.LogWarning(ex, "Log store commit of {Lines} lines from {Pushes} pushes failed", lines, batch.Count);
            Exception failure = ex switch
            {
                PostgresException refused when IsRefusedData(refused) => new LogStoreRefusedException($"the log store cannot store this push: {refused.MessageText}", ex),
                NpgsqlException or TimeoutException or IOException or OperationCanceledException => new LogStoreUnavailableException("the log store database is unavailable", ex),
                _ => ex,
            };
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(failure);
            }
        }
    }

    /// <summary>
    /// PostgreSQL's data exceptions (class 22: a NUL byte, text it cannot encode) and program limits (class 54: an
    /// index row too large): the data is at fault, not the database.
    /// </summary>
    private static bool IsRefusedData(PostgresException ex) => ex.SqlState.StartsWith("22", StringComparison.Ordinal) || ex.SqlState.StartsWith("54", StringComparison.Ordinal);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        Task[] running;
        lock (_inFlight)
        {
            running = [.. _inFlight];
        }

        await Task.WhenAll(running).WaitAsync(cancellationToken);
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

    /// <summary>
    /// Resolves the streams and drops exact repeats, gathering each stream's new entries of the batch in time order. The
    /// entries are marked as recent at once, so a batch prepared while this one commits does not write them again; a
    /// failed commit forgets them.
    /// </summary>
    private async Task<(int[] Written, List<StreamRows> Rows)> PrepareAsync(List<PendingWrite> batch, CancellationToken cancellationToken)
    {
        var labelSets = batch.SelectMany(p => p.Streams).Select(s => s.Labels).Distinct().ToList();
        var resolved = await _streams.ResolveAsync(labelSets, cancellationToken);
        var ids = labelSets.Zip(resolved).ToDictionary(p => p.First, p => p.Second);
        var written = new int[batch.Count];
        var byStream = new Dictionary<long, StreamRows>();
        lock (_recent)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                foreach (var stream in batch[i].Streams)
                {
                    var stored = ids[stream.Labels];
                    if (!_recent.TryGetValue(stored.Id, out var recent))
                    {
                        _recent[stored.Id] = recent = new RecentEntries(RecentPerStream);
                    }

                    if (!byStream.TryGetValue(stored.Id, out var rows))
                    {
                        byStream[stored.Id] = rows = new StreamRows(stored, stream.Entries.Count);
                    }

                    foreach (var entry in stream.Entries)
                    {
                        var key = RecentEntries.KeyOf(entry.TimestampNs, entry.Line.Span);
                        if (!recent.TryAdd(key))
                        {
                            continue;
                        }

                        rows.Add(entry, key);
                        written[i]++;
                    }
                }
            }
        }

        var all = new List<StreamRows>(byStream.Count);
        foreach (var rows in byStream.Values)
        {
            if (rows.Entries.Count > 0)
            {
                rows.Order();
                all.Add(rows);
            }
        }

        return (written, all);
    }

    private void Forget(List<StreamRows>? rows)
    {
        if (rows is null)
        {
            return;
        }

        lock (_recent)
        {
            foreach (var stream in rows)
            {
                if (_recent.GetValueOrDefault(stream.Stream.Id) is { } recent)
                {
                    foreach (var key in stream.Keys)
                    {
                        recent.Remove(key);
                    }
                }
            }
        }
    }

    /// <summary>The days entries in time order fall on, each once.</summary>
    private static IEnumerable<DateOnly> DaysOf(List<Utf8Entry> ordered)
    {
        var last = (DateOnly?)null;
        foreach (var entry in ordered)
        {
            var day = Partitions.DayOf(entry.TimestampNs);
            if (day != last)
            {
                yield return day;
                last = day;
            }
        }
    }

    private async Task<List<CommittedStream>> CommitAsync(List<StreamRows> rows, CancellationToken cancellationToken)
    {
        var newDays = rows.SelectMany(r => DaysOf(r.Entries).Select(day => (r.Stream.Id, day))).Where(d => !_knownDays.ContainsKey(d)).ToList();
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

        // Each stream's entries of this commit as chunks, compressed fast: the client waits for them.
        var chunks = new List<(long, EncodedChunk)>();
        foreach (var stream in rows)
        {
            foreach (var chunk in ChunkCutter.Cut(stream.Entries, _options.ChunkLineBytes, ChunkCodec.Zstd, _options.IngestCompressionLevel))
            {
                chunks.Add((stream.Stream.Id, chunk));
            }
        }

        await ChunkRows.CopyAsync(connection, chunks, compacted: false, cancellationToken);

        // Delivered by PostgreSQL at commit, and only if it commits: other instances' live tails learn of these lines.
        foreach (var payload in !_options.AnnounceCommits ? [] : _announcements.Encode(rows
            .Select(r => new CommittedRange(r.Stream.Id, r.Entries[0].TimestampNs, r.Entries[^1].TimestampNs, r.Entries.Count))))
        {
            await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection, transaction);
            notify.Parameters.AddWithValue("channel", CommitAnnouncements.Channel);
            notify.Parameters.AddWithValue("payload", payload);
            await notify.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);

        // Into the head before anyone is told the push succeeded: a query right after the answer must see it.
        _head.Add(rows.Select(r => (r.Stream.Id, (IReadOnlyList<Utf8Entry>)r.Entries)));

        foreach (var day in newDays)
        {
            _knownDays[day] = true;
        }

        var committed = new List<CommittedStream>(rows.Count);
        foreach (var stream in rows)
        {
            stream.Stream.Advance(stream.Entries[^1].TimestampNs);
            committed.Add(new CommittedStream(stream.Stream.Labels, stream.Entries));
        }

        return committed;
    }

    private sealed class PendingWrite(IReadOnlyList<PushStream> streams, CancellationToken cancellationToken)
    {
        public IReadOnlyList<PushStream> Streams { get; } = streams;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public int Lines { get; } = streams.Sum(s => s.Entries.Count);

        public TaskCompletionSource<int> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
