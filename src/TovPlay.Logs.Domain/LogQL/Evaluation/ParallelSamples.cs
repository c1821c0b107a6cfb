using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>
/// Extracts a range aggregation's samples on several threads while the calling thread reads the entries: a parser in
/// the pipeline (<c>| json | unwrap</c>) costs several times what reading a line does, and one thread would leave the
/// other cores idle. The entries go out in batches of one stream, each batch's samples come back on their own, and they
/// are joined in the order the batches were read: the series are exactly those one thread would build. A query of
/// fewer entries than one batch starts no thread. The source is read on the calling thread alone, as it expects.
/// </summary>
internal static class ParallelSamples
{
    /// <summary>Entries per batch: enough to pay for the hand-over, few enough to keep every worker busy.</summary>
    public const int BatchSize = 2048;

    /// <summary>Threads that extract: the cores there are, at most four (reading feeds no more than that).</summary>
    public static int Workers => Math.Min(Environment.ProcessorCount, 4);

    public static Dictionary<LabelSet, List<(long Ts, double Value)>> Extract(RangeAggregationExpr expr, IEnumerable<StreamSlice> slices)
    {
        var first = new SampleExtractor(expr);
        if (Workers < 2 || !first.PipelineWorksPerLine)
        {
            var series = new Dictionary<LabelSet, List<(long, double)>>();
            foreach (var slice in slices)
            {
                first.Extract(slice.Labels, slice.Entries, series);
            }

            return series;
        }

        using var run = new Run(expr, first);
        return run.Execute(slices);
    }

    private sealed record Batch(int Sequence, LabelSet Stream, List<LogEntry> Entries);

    private sealed class Run(RangeAggregationExpr expr, SampleExtractor first) : IDisposable
    {
        private readonly BlockingCollection<Batch> _queue = new(boundedCapacity: Workers * 2);
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<int, Dictionary<LabelSet, List<(long, double)>>> _results = new();
        private readonly List<Task> _workers = [];
        private Exception? _failure;
        private int _batches;
        private long _read;

        public Dictionary<LabelSet, List<(long Ts, double Value)>> Execute(IEnumerable<StreamSlice> slices)
        {
            try
            {
                Read(slices);
            }
            catch (OperationCanceledException) when (_failure is not null)
            {
                // A worker failed and stopped the reading: its error is the query's, thrown below.
            }
            catch
            {
                Stop();
                throw;
            }

            _queue.CompleteAdding();
            Task.WaitAll([.. _workers]);
            if (_failure is not null)
            {
                ExceptionDispatchInfo.Throw(_failure);
            }

            // In reading order, so each series' runs come out as one thread would have appended them.
            var series = new Dictionary<LabelSet, List<(long, double)>>();
            for (var sequence = 0; sequence < _batches; sequence++)
            {
                foreach (var (labels, samples) in _results[sequence])
                {
                    if (series.TryGetValue(labels, out var list))
                    {
                        list.AddRange(samples);
                    }
                    else
                    {
                        series[labels] = samples;
                    }
                }
            }

            return series;
        }

        private void Read(IEnumerable<StreamSlice> slices)
        {
            foreach (var slice in slices)
            {
                var entries = new List<LogEntry>(BatchSize);
                foreach (var entry in slice.Entries)
                {
                    entries.Add(entry);
                    if (entries.Count == BatchSize)
                    {
                        Hand(slice.Labels, entries);
                        entries = new List<LogEntry>(BatchSize);
                    }
                }

                if (entries.Count > 0)
                {
                    Hand(slice.Labels, entries);
                }
            }
        }

        private void Hand(LabelSet stream, List<LogEntry> entries)
        {
            // Until a batch's worth has been read, the calling thread extracts: a small query costs no thread. Then the
            // workers start, the first of them with the extractor used so far.
            _read += entries.Count;
            if (_workers.Count == 0 && _read < BatchSize)
            {
                var series = new Dictionary<LabelSet, List<(long, double)>>();
                first.Extract(stream, entries, series);
                _results[_batches++] = series;
                return;
            }

            if (_workers.Count == 0)
            {
                _workers.Add(Start(first));
                for (var i = 1; i < Workers; i++)
                {
                    _workers.Add(Start(new SampleExtractor(expr)));
                }
            }

            _queue.Add(new Batch(_batches++, stream, entries), _stop.Token);
        }

        private Task Start(SampleExtractor extractor) => Task.Factory.StartNew(
            () =>
            {
                try
                {
                    foreach (var batch in _queue.GetConsumingEnumerable(_stop.Token))
                    {
                        var series = new Dictionary<LabelSet, List<(long, double)>>();
                        extractor.Extract(batch.Stream, batch.Entries, series);
                        _results[batch.Sequence] = series;
                    }
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                }
                catch (Exception ex)
                {
                    Interlocked.CompareExchange(ref _failure, ex, null);
                    _stop.Cancel();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        private void Stop()
        {
            _stop.Cancel();
            Task.WaitAll([.. _workers]);
        }

        public void Dispose()
        {
            _queue.Dispose();
            _stop.Dispose();
        }
    }
}
