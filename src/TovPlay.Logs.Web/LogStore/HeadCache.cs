using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>
/// The newest entries of every stream, held in memory as Loki's ingesters hold their head chunks: most queries ask
/// about the last minutes or hours, and reading those from memory avoids PostgreSQL's per-row cost. Every entry at or
/// after <see cref="CompleteFromNs"/> that this process committed or loaded is here; older ones are read from the
/// database. Bounded by memory and age: the oldest minutes go first, moving <see cref="CompleteFromNs"/> forward.
/// Only this process's writes enter it, so with several replicas writing one store it must be turned off
/// (<c>LogStore:HeadMegabytes=0</c>).
/// </summary>
public sealed class HeadCache(LogStoreDatabase database, IOptions<LogStoreOptions> options, TimeProvider time, ILogger<HeadCache> logger)
{
    private const long EntryOverhead = 48;

    private readonly Lock _gate = new();
    private readonly Dictionary<long, List<HeadEntry>> _streams = [];
    private readonly LineArena _arena = new();
    private long _bytes;
    private long _completeFromNs = long.MaxValue;

    // Everything before this time was let go for memory, loaded or not: a head that finishes loading after evicting
    // must not claim those minutes, which only the database then holds.
    private long _evictedBeforeNs = long.MinValue;

    public bool Enabled => options.Value.HeadMegabytes > 0;

    /// <summary>Entries at or after this time are all here; long.MaxValue until the head is loaded.</summary>
    public long CompleteFromNs
    {
        get
        {
            lock (_gate)
            {
                return _completeFromNs;
            }
        }
    }

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Adds committed entries (the writer calls it before acknowledging them).</summary>
    public void Add(IEnumerable<(long StreamId, IReadOnlyList<Utf8Entry> Entries)> streams)
    {
        if (!Enabled)
        {
            return;
        }

        // Sorted before the lock, which queries wait on (the writer's are in order already); the arena is the lock's too.
        var byStream = streams.Select(s => (s.StreamId, Entries: EntryOrder.ByTime(s.Entries))).ToList();
        lock (_gate)
        {
            var floor = FloorLocked();
            foreach (var (streamId, added) in byStream)
            {
                var first = 0;
                while (first < added.Count && added[first].TimestampNs < floor)
                {
                    first++;
                }

                if (first == added.Count)
                {
                    continue;
                }

                var kept = new List<HeadEntry>(added.Count - first);
                for (var i = first; i < added.Count; i++)
                {
                    kept.Add(new HeadEntry(added[i].TimestampNs, _arena.Append(added[i].Line.Span), added[i].Metadata));
                }

                Append(streamId, kept);
            }

            EvictLocked();
        }
    }

    /// <summary>
    /// Adds a commit's entries of one stream, sorted. Pushers interleave, so a commit often starts before the stream's
    /// newest entry: the entries after that point are merged with the commit's in one pass, not inserted one by one
    /// (each insert moved the rest of the list: quadratic in a busy stream's entries).
    /// </summary>
    private void Append(long streamId, List<HeadEntry> added)
    {
        if (!_streams.TryGetValue(streamId, out var list))
        {
            _streams[streamId] = list = [];
        }

        foreach (var entry in added)
        {
            _bytes += entry.Line.Length + EntryOverhead;
        }

        if (list.Count == 0 || list[^1].TimestampNs <= added[0].TimestampNs)
        {
            list.AddRange(added);
            return;
        }

        var from = EntrySearch.UpperBound(list, added[0].TimestampNs);
        var merged = new List<HeadEntry>(list.Count - from + added.Count);
        var (i, j) = (from, 0);
        while (i < list.Count || j < added.Count)
        {
            // Equal times: what was there first stays first.
            merged.Add(j >= added.Count || (i < list.Count && list[i].TimestampNs <= added[j].TimestampNs) ? list[i++] : added[j++]);
        }

        list.RemoveRange(from, list.Count - from);
        list.AddRange(merged);
    }

    /// <summary>
    /// The stream's entries in [fromNs, toNs) that pass <paramref name="filters"/>, oldest first; and the time from
    /// which that answer is complete. With <paramref name="maxCount"/>, only that many from the newest end
    /// (<paramref name="newest"/>) or the oldest. The lines are decoded only as the caller enumerates them.
    /// </summary>
    public (HeadSnapshot Entries, long CompleteFromNs) Read(
        long streamId, long fromNs, long toNs, int maxCount = int.MaxValue, bool newest = false, HeadLineFilter? filters = null)
    {
        lock (_gate)
        {
            if (!_streams.TryGetValue(streamId, out var list) || list.Count == 0)
            {
                return (HeadSnapshot.Empty, _completeFromNs);
            }

            var first = EntrySearch.LowerBound(list, Math.Max(fromNs, _completeFromNs));
            var last = EntrySearch.LowerBound(list, toNs);

            // Capping from the oldest end is only right when nothing older sits in the database.
            var capped = newest || fromNs >= _completeFromNs;
            var take = capped ? maxCount : int.MaxValue;
            var picked = new HeadSnapshot(newestFirst: newest);
            for (var k = 0; k < last - first && picked.Count < take; k++)
            {
                var entry = list[newest ? last - 1 - k : first + k];
                var bytes = _arena.Segment(entry.Line);
                if (filters is null || filters.Passes(bytes))
                {
                    picked.Add(new HeadLine(entry.TimestampNs, bytes, entry.Metadata));
                }
            }

            var cut = capped && picked.Count == take && take < last - first;
            return (picked, cut ? long.MinValue : _completeFromNs);
        }
    }

    /// <summary>
    /// Fills the head from the database with the last <see cref="LogStoreOptions.HeadWindow"/>; entries the writer adds
    /// meanwhile are kept and not doubled. Until it finishes, every query reads the database.
    /// </summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        var from = TimeWindow.Ns(time.GetUtcNow() - options.Value.HeadWindow);
        var loaded = 0;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT {ChunkRows.Columns(withEntries: true)} FROM logstore.chunks WHERE max_ts >= @from ORDER BY stream_id, min_ts", connection, transaction);
        command.Parameters.AddWithValue("from", from);
        command.CommandTimeout = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            var batch = new List<(long, LogEntry)>(4096);
            while (await reader.ReadAsync(cancellationToken))
            {
                var chunk = ChunkRows.Read(reader, withEntries: true);
                foreach (var entry in ChunkRows.Entries(chunk, from, long.MaxValue, forward: true))
                {
                    batch.Add((chunk.StreamId, entry));
                }

                if (batch.Count >= batch.Capacity)
                {
                    loaded += Merge(batch);
                    batch.Clear();
                }
            }

            loaded += Merge(batch);
        }

        lock (_gate)
        {
            _completeFromNs = Math.Max(from, _evictedBeforeNs);
            EvictLocked();
        }

        logger.LogInformation("Log store head loaded: {Entries} entries since {From:o}, {Megabytes} MB", loaded, DateTimeOffset.UnixEpoch.AddTicks(from / 100), Bytes / 1024 / 1024);
    }

    private int Merge(List<(long StreamId, LogEntry Entry)> batch)
    {
        lock (_gate)
        {
            var floor = FloorLocked();
            foreach (var (streamId, entry) in batch)
            {
                if (entry.TimestampNs >= floor)
                {
                    Insert(streamId, entry, checkDuplicate: true);
                }
            }

            // A database holding more than the budget of the last hours must not fill memory before the load ends.
            EvictLocked();
            return batch.Count;
        }
    }

    private void Insert(long streamId, LogEntry entry, bool checkDuplicate)
    {
        if (!_streams.TryGetValue(streamId, out var list))
        {
            _streams[streamId] = list = [];
        }

        // Appends are the rule; an out-of-order entry is placed after the last entry not newer than it.
        var at = list.Count > 0 && list[^1].TimestampNs > entry.TimestampNs ? EntrySearch.UpperBound(list, entry.TimestampNs) : list.Count;
        if (checkDuplicate)
        {
            for (var i = at - 1; i >= 0 && list[i].TimestampNs == entry.TimestampNs; i--)
            {
                if (_arena.Equals(list[i].Line, entry.Line))
                {
                    return;
                }
            }
        }

        var line = _arena.Append(entry.Line);
        list.Insert(at, new HeadEntry(entry.TimestampNs, line, entry.Metadata));
        _bytes += line.Length + EntryOverhead;
    }

    private void EvictLocked()
    {
        // Eviction moves every list's remaining entries, so it runs seldom and in large steps: by age once the
        // oldest entries are a minute past the window, by memory down to four fifths of the budget.
        var budget = (long)options.Value.HeadMegabytes * 1024 * 1024;
        var oldestAllowed = TimeWindow.Ns(time.GetUtcNow() - options.Value.HeadWindow);
        if (_completeFromNs != long.MaxValue && _completeFromNs < oldestAllowed - 60_000_000_000)
        {
            EvictBefore(oldestAllowed);
        }

        if (_bytes <= budget)
        {
            return;
        }

        var target = budget / 5 * 4;
        while (_bytes > target && _streams.Values.Any(l => l.Count > 0))
        {
            var oldest = _streams.Values.Where(l => l.Count > 0).Min(l => l[0].TimestampNs);
            EvictBefore(Math.Max(oldest, _completeFromNs == long.MaxValue ? oldest : _completeFromNs) + 60_000_000_000);
        }
    }

    private void EvictBefore(long ns)
    {
        foreach (var list in _streams.Values)
        {
            var cut = EntrySearch.LowerBound(list, ns);
            for (var i = 0; i < cut; i++)
            {
                _bytes -= list[i].Line.Length + EntryOverhead;
                _arena.Release(list[i].Line);
            }

            list.RemoveRange(0, cut);
        }

        _evictedBeforeNs = Math.Max(_evictedBeforeNs, ns);
        if (_completeFromNs != long.MaxValue)
        {
            _completeFromNs = Math.Max(_completeFromNs, ns);
        }
    }

    /// <summary>Entries older than this would never be read from the head: the database answers for them.</summary>
    private long FloorLocked() => Math.Max(_evictedBeforeNs, _completeFromNs == long.MaxValue ? long.MinValue : _completeFromNs);

    /// <summary>An entry whose line lives in the arena: no string per line for the garbage collector to trace.</summary>
    private readonly record struct HeadEntry(long TimestampNs, ArenaLine Line, LabelSet? Metadata) : ITimestamped;
}
