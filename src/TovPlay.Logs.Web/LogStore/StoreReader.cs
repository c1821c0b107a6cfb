using System.Text;
using Npgsql;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>
/// Feeds the Domain evaluator from PostgreSQL. One read-only snapshot per query; each selected stream gets a
/// server-side cursor over the (stream_id, ts) index with the time range and the literal line filters pushed down,
/// fetched in growing pages only as far as the evaluator pulls: a query with a small limit reads a few pages,
/// a metric query streams every row without holding the window in memory.
/// The evaluator is synchronous, so this reads synchronously; callers run it off the request thread.
/// </summary>
public sealed class StoreReader : ILogStreamSource, IDisposable
{
    private const int FirstPage = 256;
    private const int LargestPage = 16_384;

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

    /// <summary>Rows read from the database, for query statistics.</summary>
    public long RowsRead { get; private set; }

    /// <summary>Bytes of lines read from the database.</summary>
    public long BytesRead { get; private set; }

    public IEnumerable<StreamSlice> Select(LogSelection selection)
    {
        var matched = _streams.Match(selection.Selector);

        // When nothing but the pushed-down filters drops entries, the streams share the limit: size the first read
        // for an even share with some slack, instead of reading pages nobody needs.
        var firstPage = selection is { Limit: { } limit, FiltersOnlyByHints: true } && matched.Count > 0
            ? Math.Min(Math.Max(limit / matched.Count + limit / 4 / matched.Count + 16, 16), Math.Min(limit + 1, LargestPage))
            : FirstPage;
        foreach (var stream in matched)
        {
            yield return new StreamSlice(stream.Labels, ReadWithHead(stream.Id, selection, firstPage));
        }
    }

    /// <summary>
    /// The part of the range the head holds comes from memory, the rest from the database, joined in reading order.
    /// </summary>
    private IEnumerable<LogEntry> ReadWithHead(long streamId, LogSelection selection, int firstPage)
    {
        if (_head is null || _head.CompleteFromNs >= selection.EndNs)
        {
            return Read(streamId, selection, firstPage);
        }

        // When the limit bounds what a stream can contribute, copy only that many from the end read first; the
        // evaluator stops before it needs more (completeFrom comes back as "all of it" then).
        // The head applies the line filters itself, so the cap counts only lines that pass them.
        var cap = selection is { Limit: { } limit, FiltersOnlyByHints: true } ? limit : int.MaxValue;
        var (recent, completeFrom) = _head.Read(
            streamId, selection.StartNs, selection.EndNs, cap, newest: selection.Direction == Direction.Backward, filters: HeadLineFilter.For(selection.LineFilters));
        RowsRead += recent.Count;
        var fromHead = Cancellable(recent.Entries(forward: selection.Direction == Direction.Forward, withLines: selection.LinesNeeded));
        if (completeFrom <= selection.StartNs)
        {
            return fromHead;
        }

        var older = Read(streamId, selection with { EndNs = completeFrom }, firstPage);
        return selection.Direction == Direction.Forward ? older.Concat(fromHead) : fromHead.Concat(older);
    }

    /// <summary>
    /// Entries from memory, stopping when the query is cancelled (its timeout, or its client gone): the database
    /// pages check between fetches, and a head of many entries must not run on unwatched.
    /// </summary>
    private IEnumerable<LogEntry> Cancellable(IEnumerable<LogEntry> entries)
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

    private IEnumerable<LogEntry> Read(long streamId, LogSelection selection, int firstPage)
    {
        var cursor = $"c{++_cursors}";
        // Without lines only the index is read (an index-only scan): counting needs nothing else.
        var sql = new StringBuilder(selection.LinesNeeded ? "SELECT ts, line, metadata" : "SELECT ts");
        sql.Append($" FROM logstore.entries WHERE stream_id = {streamId} AND ts >= {selection.StartNs} AND ts < {selection.EndNs}");
        var parameters = new List<string>();
        foreach (var filter in selection.LineFilters)
        {
            var tests = filter.Values.Select(v =>
            {
                parameters.Add(v.Value);
                return $"strpos(line, @f{parameters.Count}) > 0";
            }).ToList();
            sql.Append(filter.Operator == LineFilterOperator.Contains ? $" AND ({string.Join(" OR ", tests)})" : $" AND NOT ({string.Join(" OR ", tests)})");
        }

        sql.Append(selection.Direction == Direction.Forward ? " ORDER BY ts ASC" : " ORDER BY ts DESC");

        // Loki drops exact duplicates (same time and line) of a stream, and so do log reads here. The writer refuses
        // a repeat of a recent entry, so line-less reads (counting) need not compare lines.
        var tiedTs = long.MinValue;
        var linesAtTs = new HashSet<string>(StringComparer.Ordinal);
        var page = firstPage;
        var declare = $"DECLARE {cursor} NO SCROLL CURSOR FOR {sql}; ";
        while (true)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var rows = Fetch(declare, parameters, cursor, page, selection.LinesNeeded);
            declare = "";
            foreach (var entry in rows)
            {
                if (!selection.LinesNeeded)
                {
                    yield return entry;
                    continue;
                }

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

            if (rows.Count < page)
            {
                break;
            }

            page = Math.Min(page * 2, LargestPage);
        }
    }

    /// <summary>One round trip: the cursor's declaration (first time only) and a page of it.</summary>
    private List<LogEntry> Fetch(string declare, List<string> parameters, string cursor, int count, bool withLines)
    {
        using var command = new NpgsqlCommand($"{declare}FETCH {count} FROM {cursor}", _connection, _transaction);
        if (declare.Length > 0)
        {
            for (var i = 0; i < parameters.Count; i++)
            {
                command.Parameters.Add(new NpgsqlParameter($"f{i + 1}", NpgsqlTypes.NpgsqlDbType.Text) { Value = parameters[i] });
            }
        }

        _running = command;
        try
        {
            // The DECLARE returns no result set; the reader starts at the FETCH's rows.
            using var reader = command.ExecuteReader();

            var rows = new List<LogEntry>(count);
            while (reader.Read())
            {
                var ts = reader.GetInt64(0);
                if (!withLines)
                {
                    rows.Add(new LogEntry(ts, ""));
                    continue;
                }

                var line = reader.GetString(1);
                BytesRead += line.Length;
                var metadata = MetadataColumn.Read(reader, 2);
                rows.Add(new LogEntry(ts, line, metadata));
            }

            RowsRead += rows.Count;
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
