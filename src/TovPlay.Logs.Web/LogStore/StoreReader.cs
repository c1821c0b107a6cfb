using Npgsql;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Chunks;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>
/// Feeds the Domain evaluator from PostgreSQL. One read-only snapshot per query; each selected stream gets a
/// server-side cursor over its chunks in the time range, fetched in growing pages only as far as the evaluator pulls,
/// each chunk opened only when the merge reaches it: a query with a small limit opens a chunk or two, a metric query
/// streams every entry without holding the window in memory. Literal line filters are tested on the UTF-8 bytes
/// before a line becomes a string; counting opens only the timestamps.
/// The evaluator is synchronous, so this reads synchronously; callers run it off the request thread.
/// </summary>
public sealed class StoreReader : ILogStreamSource, IDisposable
{
    // Pages of chunks (about a thousand lines each): a limited read needs one or two, a metric query many.
    private const int FirstPage = 2;
    private const int LargestPage = 64;

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly StreamRegistry _streams;
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenRegistration _cancelRegistration;
    private NpgsqlCommand? _running;
    private int _cursors;

    private readonly HeadCache? _head;

    public StoreReader(LogStoreDatabase database, StreamRegistry streams, TimeSpan timeout, CancellationToken cancellationToken, HeadCache? head = null)
    {
        _streams = streams;
        _head = head is { Enabled: true } ? head : null;
        _cancellationToken = cancellationToken;
        _connection = database.DataSource.OpenConnection();
        _transaction = _connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        using (var setup = new NpgsqlCommand($"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {Math.Max(1, (long)timeout.TotalMilliseconds)}", _connection, _transaction))
        {
            setup.ExecuteNonQuery();
        }

        _cancelRegistration = cancellationToken.Register(() => _running?.Cancel());
    }

    /// <summary>Entries read (from memory and the database), for query statistics.</summary>
    public long RowsRead { get; private set; }

    /// <summary>Chunks read from the database.</summary>
    public long ChunksRead { get; private set; }

    /// <summary>Bytes of lines read from the database.</summary>
    public long BytesRead { get; private set; }

    public IEnumerable<StreamSlice> Select(LogSelection selection)
    {
        var matched = _streams.Match(selection.Selector);

        // When nothing but the pushed-down filters drops entries, the streams share the limit: the first page holds
        // about a stream's share (a chunk holds about a thousand lines), instead of chunks nobody opens.
        var firstPage = selection is { Limit: { } limit, FiltersOnlyByHints: true } && matched.Count > 0
            ? Math.Clamp((limit / matched.Count / 1000) + 1, 1, LargestPage)
            : FirstPage;
        foreach (var stream in matched)
        {
            yield return ReadWithHead(stream, selection, firstPage);
        }
    }

    /// <summary>
    /// The part of the range the head holds comes from memory, the rest from the database, joined in reading order.
    /// When the lines are needed, the stream is offered as UTF-8 too, the head's bytes joined to the chunks' the same
    /// way; the reader takes one or the other, and only that one is read.
    /// </summary>
    private StreamSlice ReadWithHead(StoredStream stream, LogSelection selection, int firstPage)
    {
        var streamId = stream.Id;
        if (_head is null || _head.CompleteFromNs >= selection.EndNs)
        {
            return new StreamSlice(stream.Labels, Read(streamId, selection, firstPage)) { Utf8Entries = selection.LinesNeeded ? ReadUtf8(streamId, selection, firstPage) : null };
        }

        // When the limit bounds what a stream can contribute, copy only that many from the end read first; the
        // evaluator stops before it needs more (completeFrom comes back as "all of it" then).
        // The head applies the line filters itself, so the cap counts only lines that pass them.
        var cap = selection is { Limit: { } limit, FiltersOnlyByHints: true } ? limit : int.MaxValue;
        var (recent, completeFrom) = _head.Read(
            streamId, selection.StartNs, selection.EndNs, cap, newest: selection.Direction == Direction.Backward, filters: HeadLineFilter.For(selection.LineFilters));
        RowsRead += recent.Count;
        var forward = selection.Direction == Direction.Forward;
        var fromHead = Cancellable(recent.Entries(forward, withLines: selection.LinesNeeded));
        if (completeFrom <= selection.StartNs)
        {
            return new StreamSlice(stream.Labels, fromHead) { Utf8Entries = Cancellable(recent.Utf8Entries(forward)) };
        }

        var beforeHead = selection with { EndNs = completeFrom };
        var older = Read(streamId, beforeHead, firstPage);
        var slice = new StreamSlice(stream.Labels, forward ? older.Concat(fromHead) : fromHead.Concat(older));
        if (!selection.LinesNeeded)
        {
            return slice;
        }

        var olderUtf8 = ReadUtf8(streamId, beforeHead, firstPage);
        var recentUtf8 = Cancellable(recent.Utf8Entries(forward));
        return slice with { Utf8Entries = forward ? olderUtf8.Concat(recentUtf8) : recentUtf8.Concat(olderUtf8) };
    }

    /// <summary>
    /// Entries from memory, stopping when the query is cancelled (its timeout, or its client gone): the database
    /// pages check between fetches, and a head of many entries must not run on unwatched.
    /// </summary>
    private IEnumerable<T> Cancellable<T>(IEnumerable<T> entries)
    {
        var count = 0;
        foreach (var entry in entries)
        {
            if (++count % 1024 == 0)
            {
                _cancellationToken.ThrowIfCancellationRequested();
            }

            yield return entry;
        }
    }

    /// <summary>The stream's chunks that may hold entries of the selection, in the order its direction reads them.</summary>
    private IEnumerable<StoredChunk> ChunksOf(long streamId, LogSelection selection, bool withEntries, int firstPage)
    {
        var (start, end) = (selection.StartNs, selection.EndNs);

        // A chunk spans at most MaxSpanNs, so the index on the end read first bounds the scan on both sides.
        var span = ChunkCutter.MaxSpanNs;
        var where = selection.Direction == Direction.Forward
            ? $"min_ts >= {start - span} AND min_ts < {end} AND max_ts >= {start} ORDER BY min_ts, id"
            : $"max_ts >= {start} AND max_ts < {end + span} AND min_ts < {end} ORDER BY max_ts DESC, id DESC";
        return Chunks($"SELECT {ChunkRows.Columns(withEntries)} FROM logstore.chunks WHERE stream_id = {streamId} AND {where}", withEntries, firstPage);
    }

    private IEnumerable<LogEntry> Read(long streamId, LogSelection selection, int firstPage)
    {
        var forward = selection.Direction == Direction.Forward;
        var filter = HeadLineFilter.For(selection.LineFilters);
        var withEntries = selection.LinesNeeded || filter is not null;
        var (start, end) = (selection.StartNs, selection.EndNs);
        var entries = ChunkMerge.Merge(
            ChunksOf(streamId, selection, withEntries, firstPage),
            c => (c.MinTs, c.MaxTs),
            c => ChunkRows.Entries(c, start, end, forward, filter, selection.LinesNeeded),
            e => e.TimestampNs,
            forward);

        // Loki drops exact duplicates (same time and line) of a stream, and so do log reads here: a chunk compacted
        // while a retry's copy waited to be, say. The writer refuses a repeat of a recent entry, so line-less reads
        // (counting) need not compare lines.
        var tiedTs = long.MinValue;
        var linesAtTs = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        foreach (var entry in entries)
        {
            if (++count % 1024 == 0)
            {
                _cancellationToken.ThrowIfCancellationRequested();
            }

            RowsRead++;
            if (!selection.LinesNeeded)
            {
                yield return entry;
                continue;
            }

            BytesRead += entry.Line.Length;
            if (entry.TimestampNs != tiedTs)
            {
                tiedTs = entry.TimestampNs;
                linesAtTs.Clear();
            }

            if (linesAtTs.Add(entry.Line))
            {
                yield return entry;
            }
        }
    }

    /// <summary>
    /// <see cref="Read"/>'s entries with their lines left as UTF-8 (slices of each chunk's decompressed buffer), for a
    /// reader that works on bytes: no string per line. Exact duplicates are dropped by comparing bytes.
    /// </summary>
    private IEnumerable<Utf8Entry> ReadUtf8(long streamId, LogSelection selection, int firstPage)
    {
        var forward = selection.Direction == Direction.Forward;
        var filter = HeadLineFilter.For(selection.LineFilters);
        var (start, end) = (selection.StartNs, selection.EndNs);
        var entries = ChunkMerge.Merge(
            ChunksOf(streamId, selection, withEntries: true, firstPage),
            c => (c.MinTs, c.MaxTs),
            c => ChunkRows.Utf8Entries(c, start, end, forward, filter),
            e => e.TimestampNs,
            forward);

        // A set, not a list: a client may push many lines of one timestamp, and comparing each with all before it
        // would take time growing with their square.
        var tiedTs = long.MinValue;
        var linesAtTs = new HashSet<ReadOnlyMemory<byte>>(Utf8LineComparer.Instance);
        var count = 0;
        foreach (var entry in entries)
        {
            if (++count % 1024 == 0)
            {
                _cancellationToken.ThrowIfCancellationRequested();
            }

            RowsRead++;
            BytesRead += entry.Line.Length;
            if (entry.TimestampNs != tiedTs)
            {
                tiedTs = entry.TimestampNs;
                linesAtTs.Clear();
            }

            if (linesAtTs.Add(entry.Line))
            {
                yield return entry;
            }
        }
    }

    /// <summary>The chunks a query names, fetched in pages that grow as the reader asks for more.</summary>
    private IEnumerable<StoredChunk> Chunks(string sql, bool withEntries, int firstPage)
    {
        var cursor = $"c{++_cursors}";
        var declare = $"DECLARE {cursor} NO SCROLL CURSOR FOR {sql}; ";
        var page = firstPage;
        while (true)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var rows = Fetch(declare, cursor, page, withEntries);
            declare = "";
            foreach (var row in rows)
            {
                yield return row;
            }

            if (rows.Count < page)
            {
                yield break;
            }

            page = Math.Min(page * 2, LargestPage);
        }
    }

    /// <summary>One round trip: the cursor's declaration (first time only) and a page of it.</summary>
    private List<StoredChunk> Fetch(string declare, string cursor, int count, bool withEntries)
    {
        using var command = new NpgsqlCommand($"{declare}FETCH {count} FROM {cursor}", _connection, _transaction);
        _running = command;
        try
        {
            // The DECLARE returns no result set; the reader starts at the FETCH's rows.
            using var reader = command.ExecuteReader();
            var rows = new List<StoredChunk>(count);
            while (reader.Read())
            {
                rows.Add(ChunkRows.Read(reader, withEntries));
            }

            ChunksRead += rows.Count;
            return rows;
        }
        finally
        {
            _running = null;
        }
    }

    public void Dispose()
    {
        _cancelRegistration.Dispose();
        _transaction.Dispose();
        _connection.Dispose();
    }
}
