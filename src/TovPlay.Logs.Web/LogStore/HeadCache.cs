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
    private const long EntryOverhead = 64;

    private readonly Lock _gate = new();
    private readonly Dictionary<long, List<LogEntry>> _streams = [];
    private long _bytes;
    private long _completeFromNs = long.MaxValue;

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
    public void Add(IEnumerable<(long StreamId, LogEntry Entry)> entries)
    {
        if (!Enabled)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var (streamId, entry) in entries)
            {
                Insert(streamId, entry, checkDuplicate: false);
            }

            EvictLocked();
        }
    }

    /// <summary>
    /// The stream's entries in [fromNs, toNs), oldest first, copied; and the time from which the copy is complete.
    /// With <paramref name="maxCount"/>, only that many from the newest end (<paramref name="newest"/>) or the oldest.
    /// </summary>
    public (LogEntry[] Entries, long CompleteFromNs) Read(long streamId, long fromNs, long toNs, int maxCount = int.MaxValue, bool newest = false)
    {
        lock (_gate)
        {
            if (!_streams.TryGetValue(streamId, out var list) || list.Count == 0)
            {
                return ([], _completeFromNs);
            }

            var first = EntrySearch.LowerBound(list, Math.Max(fromNs, _completeFromNs));
            var last = EntrySearch.LowerBound(list, toNs);
            // Capping from the oldest end is only right when nothing older sits in the database.
            if (last - first > maxCount && (newest || fromNs >= _completeFromNs))
            {
                (first, last) = newest ? (last - maxCount, last) : (first, first + maxCount);
                return (list.GetRange(first, last - first).ToArray(), long.MinValue);
            }

            return (last > first ? list.GetRange(first, last - first).ToArray() : [], _completeFromNs);
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
            "SELECT stream_id, ts, line, metadata FROM logstore.entries WHERE ts >= @from ORDER BY stream_id, ts", connection, transaction);
        command.Parameters.AddWithValue("from", from);
        command.CommandTimeout = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            var batch = new List<(long, LogEntry)>(4096);
            while (await reader.ReadAsync(cancellationToken))
            {
                var metadata = reader.IsDBNull(3) ? null : MetadataColumn.Read(reader.GetString(3));
                batch.Add((reader.GetInt64(0), new LogEntry(reader.GetInt64(1), reader.GetString(2), metadata)));
                if (batch.Count == batch.Capacity)
                {
                    loaded += Merge(batch);
                    batch.Clear();
                }
            }

            loaded += Merge(batch);
        }

        lock (_gate)
        {
            _completeFromNs = from;
            EvictLocked();
        }

        logger.LogInformation("Log store head loaded: {Entries} entries since {From:o}, {Megabytes} MB", loaded, DateTimeOffset.UnixEpoch.AddTicks(from / 100), Bytes / 1024 / 1024);
    }

    private int Merge(List<(long StreamId, LogEntry Entry)> batch)
    {
        lock (_gate)
        {
            foreach (var (streamId, entry) in batch)
            {
                Insert(streamId, entry, checkDuplicate: true);
            }

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
                if (list[i].Line == entry.Line)
                {
                    return;
                }
            }
        }

        list.Insert(at, entry);
        _bytes += entry.Line.Length * 2 + EntryOverhead;
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
                _bytes -= list[i].Line.Length * 2 + EntryOverhead;
            }

            list.RemoveRange(0, cut);
        }

        if (_completeFromNs != long.MaxValue)
        {
            _completeFromNs = Math.Max(_completeFromNs, ns);
        }
    }
}
