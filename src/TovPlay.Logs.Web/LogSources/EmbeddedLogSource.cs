using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.LogStore;

namespace TovPlay.Logs.Web.LogSources;

/// <summary>
/// The default log source: the embedded PostgreSQL store, queried through the Domain LogQL evaluator, tailed from the
/// writer's in-process feed.
/// </summary>
public sealed class EmbeddedLogSource(
    LogStoreDatabase database,
    StreamRegistry streams,
    IngestFeed feed,
    HeadCache head,
    IOptions<LogSourceOptions> options,
    TimeProvider time) : ILogSource
{
    /// <summary>How far back an instant log query looks.</summary>
    public static readonly TimeSpan InstantLogLookback = TimeSpan.FromHours(1);

    // The evaluator reads synchronously; bound how many queries hold a thread and a connection at once.
    private static readonly SemaphoreSlim s_concurrency = new(Math.Max(2, Environment.ProcessorCount * 2));

    private QueryLimits Limits => options.Value.Limits;

    public string Kind => LogSourceOptions.Embedded;

    public async Task<QueryResponse> QueryRangeAsync(RangeQueryRequest request, CancellationToken cancellationToken)
    {
        var expr = Parse(request.Query);
        var isMetric = expr is not LogQueryExpr;
        var step = request.StepNs ?? QueryLimits.DefaultStepNs(request.StartNs, request.EndNs);
        Refuse(Limits.Check(request.StartNs, request.EndNs, request.Limit, step, isMetric));
        return await RunAsync(reader => expr is LogQueryExpr log
            ? Logs(log, reader, request.StartNs, request.EndNs, request.Direction, request.Limit)
            : Metric(MetricEvaluator.EvaluateRange(expr, reader, request.StartNs, request.EndNs, step), ResultType.Matrix), cancellationToken);
    }

    public async Task<QueryResponse> QueryInstantAsync(InstantQueryRequest request, CancellationToken cancellationToken)
    {
        var expr = Parse(request.Query);
        Refuse(Limits.Check(request.TimeNs, request.TimeNs, request.Limit, null, expr is not LogQueryExpr));
        return await RunAsync(reader =>
        {
            if (expr is LogQueryExpr log)
            {
                var start = request.TimeNs - (long)InstantLogLookback.TotalNanoseconds;
                return Logs(log, reader, start, request.TimeNs, request.Direction, request.Limit);
            }

            // Numbers alone answer a scalar, as Prometheus' API does (Loki 2.8 answers a 500 there: a client's valid
            // query is not a server error).
            var result = MetricEvaluator.EvaluateInstant(expr, reader, request.TimeNs);
            return Metric(result, result.IsScalar ? ResultType.Scalar : ResultType.Vector);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> GetLabelsAsync(TimeWindow window, CancellationToken cancellationToken) =>
        [.. (await StreamsInAsync(window, cancellationToken)).SelectMany(s => s.Labels.Pairs.Select(p => p.Key)).Distinct().Order(StringComparer.Ordinal)];

    public async Task<IReadOnlyList<string>> GetLabelValuesAsync(string name, TimeWindow window, CancellationToken cancellationToken) =>
        [.. (await StreamsInAsync(window, cancellationToken)).Select(s => s.Labels[name]).OfType<string>().Distinct().Order(StringComparer.Ordinal)];

    public async Task<IReadOnlyList<LabelSet>> GetSeriesAsync(IReadOnlyList<string> match, TimeWindow window, CancellationToken cancellationToken)
    {
        var selections = match.Select(m => Parse(m) is LogQueryExpr { Pipeline.Count: 0 } log
            ? new StreamSelection(log.Selector)
            : throw new LogSourceException(LogSourceError.BadRequest, $"invalid match[] selector: {m}")).ToList();
        var inWindow = await StreamsInAsync(window, cancellationToken);
        return [.. inWindow.Where(s => selections.Count == 0 || selections.Any(sel => sel.Matches(s.Labels))).Select(s => s.Labels)];
    }

    public async IAsyncEnumerable<TailBatch> TailAsync(TailRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Parse(request.Query) is not LogQueryExpr log)
        {
            throw new LogSourceException(LogSourceError.BadRequest, "only log selector is supported");
        }

        // Subscribe before reading history, so nothing committed in between is missed; the overlap is de-duplicated.
        using var subscription = feed.Subscribe(options.Value.TailBufferBatches, new StreamSelection(log.Selector).Matches);
        var now = TimeWindow.Ns(time.GetUtcNow());
        var start = request.StartNs ?? now - (long)TimeSpan.FromHours(1).TotalNanoseconds;

        // As Loki: the newest entries since start, up to the limit, sent oldest first.
        var history = await QueryRangeAsync(new RangeQueryRequest(request.Query, start, now + 1) { Limit = request.Limit, Direction = Direction.Backward }, cancellationToken);
        var seen = new HashSet<(LabelSet, long, string)>();
        var historyEnd = long.MinValue;
        var first = InTimeOrder(history.Streams.SelectMany(s => s.Entries.Select(e => (s.Labels, e))));
        foreach (var one in first)
        {
            seen.Add((one.Labels, one.Entries[0].TimestampNs, one.Entries[0].Line));
            historyEnd = Math.Max(historyEnd, one.Entries[0].TimestampNs);
        }

        yield return new TailBatch(first, []);

        while (await subscription.Reader.WaitToReadAsync(cancellationToken))
        {
            if (request.DelayFor > TimeSpan.Zero)
            {
                await Task.Delay(request.DelayFor, time, cancellationToken);
            }

            var committed = new List<CommittedStream>();
            while (subscription.Reader.TryRead(out var batch))
            {
                committed.AddRange(batch);
            }

            // Decoded here, by the tail that wants them, not by the writer for every stream whether anyone watches it or not.
            var source = new InMemoryLogSource(committed.Select(c => new LogStream(c.Labels, [.. c.Entries.OrderBy(e => e.TimestampNs).Select(e => e.Decode())])));
            var results = LogQueryEvaluator.Run(log, source, long.MinValue, long.MaxValue, Direction.Forward, int.MaxValue)
                .Where(r => r.TimestampNs > historyEnd || seen.Add((r.Labels, r.TimestampNs, r.Line)))
                .Select(r => (r.Labels, new LogEntry(r.TimestampNs, r.Line)));
            var live = InTimeOrder(results);
            var (dropped, droppedCount) = subscription.TakeDropped();
            if (live.Count > 0 || droppedCount > 0)
            {
                yield return new TailBatch(live, [.. dropped.Select(d => new DroppedEntry(d.Labels, d.TimestampNs))]) { DroppedCount = droppedCount };
            }
        }
    }

    /// <summary>One single-entry stream per entry, oldest first: the order a tail reader shows them in.</summary>
    private static List<StreamResult> InTimeOrder(IEnumerable<(LabelSet Labels, LogEntry Entry)> entries) =>
        [.. entries.OrderBy(e => e.Entry.TimestampNs).Select(e => new StreamResult(e.Labels, [e.Entry]))];

    public async Task<string?> CheckReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1 FROM logstore.streams LIMIT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return "the log store database is unavailable";
        }
    }

    private LogQLExpr Parse(string query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            throw new LogSourceException(LogSourceError.BadRequest, "parse error : syntax error: unexpected $end");
        }

        return LogQLQuery.TryParse(query, Limits.Parse, out var expr, out var error)
            ? expr
            : throw new LogSourceException(LogSourceError.BadRequest, error.LokiMessage);
    }

    private static void Refuse(string? problem)
    {
        if (problem is not null)
        {
            throw new LogSourceException(LogSourceError.BadRequest, problem);
        }
    }

    private (IReadOnlyList<StreamResult> Streams, IReadOnlyList<MetricSeries> Series, ResultType Type) Logs(
        LogQueryExpr log, StoreReader reader, long startNs, long endNs, Direction direction, int limit)
    {
        var grouped = new Dictionary<LabelSet, List<LogEntry>>();
        var order = new List<LabelSet>();
        foreach (var result in LogQueryEvaluator.Run(log, reader, startNs, endNs, direction, Math.Max(limit, 1)))
        {
            if (!grouped.TryGetValue(result.Labels, out var list))
            {
                grouped[result.Labels] = list = [];
                order.Add(result.Labels);
            }

            list.Add(new LogEntry(result.TimestampNs, result.Line));
        }

        return ([.. order.Select(l => new StreamResult(l, grouped[l]))], [], ResultType.Streams);
    }

    private (IReadOnlyList<StreamResult> Streams, IReadOnlyList<MetricSeries> Series, ResultType Type) Metric(MetricResult result, ResultType type)
    {
        if (result.Series.Count > Limits.MaxSeries)
        {
            throw new LogSourceException(LogSourceError.BadRequest, Limits.TooManySeries);
        }

        return ([], result.Series, type);
    }

    private async Task<QueryResponse> RunAsync(
        Func<StoreReader, (IReadOnlyList<StreamResult> Streams, IReadOnlyList<MetricSeries> Series, ResultType Type)> evaluate,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limits.QueryTimeout);
        var acquired = false;
        try
        {
            // Waiting for a turn counts against the timeout too: a query queued behind slow ones times out as one.
            await s_concurrency.WaitAsync(timeout.Token);
            acquired = true;
            await streams.RefreshAsync(timeout.Token);
            return await Task.Run(() =>
            {
                var clock = Stopwatch.StartNew();
                using var reader = new StoreReader(database, streams, Limits.QueryTimeout, timeout.Token, head);
                var (found, series, type) = evaluate(reader);
                return new QueryResponse(type, found, series)
                {
                    Statistics = new QueryStatistics
                    {
                        LinesProcessed = reader.RowsRead,
                        BytesProcessed = reader.BytesRead,
                        ExecutionTime = clock.Elapsed,
                        EntriesReturned = found.Sum(s => s.Entries.Count),
                    },
                };
            }, timeout.Token);
        }
        catch (EvaluationException ex)
        {
            throw new LogSourceException(LogSourceError.BadRequest, ex.Message, ex);
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException ex)
        {
            throw new LogSourceException(LogSourceError.BadRequest, $"a regular expression took longer than {ex.MatchTimeout.TotalSeconds:0.#}s on one line: {ex.Pattern}", ex);
        }
        catch (Exception ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested
            || ex is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } && !cancellationToken.IsCancellationRequested)
        {
            throw new LogSourceException(LogSourceError.Timeout, QueryLimits.TimeoutMessage, ex);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw new LogSourceException(LogSourceError.Unavailable, "the log store database is unavailable", ex);
        }
        finally
        {
            if (acquired)
            {
                s_concurrency.Release();
            }
        }
    }

    /// <summary>Streams with entries on the days the window touches (day granularity, as Loki's daily index).</summary>
    private async Task<IReadOnlyList<StoredStream>> StreamsInAsync(TimeWindow window, CancellationToken cancellationToken)
    {
        try
        {
            await streams.RefreshAsync(cancellationToken);
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT DISTINCT stream_id FROM logstore.stream_days WHERE day BETWEEN @from AND @to", connection);
            command.Parameters.AddWithValue("from", Partitions.DayOf(window.StartNs));
            command.Parameters.AddWithValue("to", Partitions.DayOf(window.EndNs));
            var ids = new HashSet<long>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
            }

            return [.. streams.All.Where(s => ids.Contains(s.Id))];
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw new LogSourceException(LogSourceError.Unavailable, "the log store database is unavailable", ex);
        }
    }
}
