using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>
/// Runs a log query over streams: selects streams, runs each entry in [start, end) through the pipeline and merges
/// the streams by time in the requested direction, lazily, stopping at <c>limit</c>. The input is never materialised.
/// </summary>
public static class LogQueryEvaluator
{
    public static IEnumerable<LogResult> Run(LogQueryExpr query, ILogStreamSource source, long startNs, long endNs, Direction direction, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var pipeline = LogPipeline.Compile(query.Pipeline);
        var sources = source.Select(LogSelection.For(query, startNs, endNs, direction, limit: limit))
            .Select(s => Process(s, pipeline).GetEnumerator())
            .ToList();
        return Merge(sources, direction, limit);
    }

    private static IEnumerable<LogResult> Process(StreamSlice stream, LogPipeline pipeline)
    {
        var labels = new LabelsBuilder();
        if (stream.Entries is EntryRange range)
        {
            // In-memory data: walk by index, without an enumerator call per line.
            for (var k = 0; k < range.Count; k++)
            {
                var entry = range[k];
                if (pipeline.Process(entry, stream.Labels, labels, out var line))
                {
                    yield return new LogResult(pipeline.ChangesLabels || entry.Metadata is not null ? labels.ToLabelSet() : stream.Labels, entry.TimestampNs, line);
                }
            }

            yield break;
        }

        foreach (var entry in stream.Entries)
        {
            if (pipeline.Process(entry, stream.Labels, labels, out var line))
            {
                yield return new LogResult(pipeline.ChangesLabels || entry.Metadata is not null ? labels.ToLabelSet() : stream.Labels, entry.TimestampNs, line);
            }
        }
    }

    private static IEnumerable<LogResult> Merge(List<IEnumerator<LogResult>> sources, Direction direction, int limit)
    {
        var queue = new PriorityQueue<IEnumerator<LogResult>, long>();
        var sign = direction == Direction.Forward ? 1 : -1;
        try
        {
            foreach (var source in sources)
            {
                if (source.MoveNext())
                {
                    queue.Enqueue(source, sign * source.Current.TimestampNs);
                }
                else
                {
                    source.Dispose();
                }
            }

            var emitted = 0;
            while (emitted < limit && queue.TryDequeue(out var source, out _))
            {
                yield return source.Current;
                emitted++;
                if (source.MoveNext())
                {
                    queue.Enqueue(source, sign * source.Current.TimestampNs);
                }
                else
                {
                    source.Dispose();
                }
            }
        }
        finally
        {
            while (queue.TryDequeue(out var rest, out _))
            {
                rest.Dispose();
            }
        }
    }
}
