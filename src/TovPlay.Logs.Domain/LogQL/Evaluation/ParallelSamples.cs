using System.Runtime.ExceptionServices;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>
/// Extracts a range aggregation's samples on several threads: a parser in the pipeline (<c>| json | unwrap</c>) costs
/// several times what reading a line does, and one thread would leave the other cores idle. Each thread takes the next
/// batch of one stream's entries from the source (one thread at a time, as a source expects), extracts its samples on
/// its own, and the batches' samples are joined in the order they were read: the series are exactly those one thread
/// builds. Nobody waits on a queue: a thread that finds the source busy is blocked only while another reads a batch,
/// and on a small machine no thread spins for work. A query of fewer entries than one batch starts no thread.
/// </summary>
internal static class ParallelSamples
{
    /// <summary>Entries per batch: enough to pay for taking the source's lock, few enough to share the work out.</summary>
    public const int BatchSize = 2048;

    /// <summary>Threads that extract, the calling one included: the cores there are, at most four.</summary>
    public static int Workers => Math.Min(Environment.ProcessorCount, 4);

    public static Dictionary<LabelSet, List<(long Ts, double Value)>> Extract(RangeAggregationExpr expr, IEnumerable<StreamSlice> slices)
    {
        var extractor = new SampleExtractor(expr);
        if (Workers < 2 || !extractor.PipelineWorksPerLine)
        {
            var series = new Dictionary<LabelSet, List<(long, double)>>();
            foreach (var slice in slices)
            {
                extractor.Extract(slice.Labels, slice.Entries, series);
            }

            return series;
        }

        using var run = new Run(expr, slices);
        return run.Execute(extractor);
    }

    private sealed class Run(RangeAggregationExpr expr, IEnumerable<StreamSlice> slices) : IDisposable
    {
        private readonly Lock _source = new();

        // Helpers between their start and their end. A helper the thread pool starts late, once the work is done,
        // finds nothing and is not waited for: a busy pool must not hold a finished query.
        private readonly ManualResetEventSlim _helpersDone = new(initialState: true);
        private int _running;
        private readonly List<Dictionary<LabelSet, List<(long, double)>>?> _results = [];
        private IEnumerator<StreamSlice>? _slices;
        private StreamSlice? _slice;
        private IEnumerator<LogEntry>? _entries;
        private bool _done;
        private long _read;
        private Exception? _failure;

        public Dictionary<LabelSet, List<(long Ts, double Value)>> Execute(SampleExtractor extractor)
        {
            try
            {
                // The calling thread starts alone; helpers join once a batch's worth of entries shows the query is
                // worth them.
                var batch = Next();
                while (batch is not null && _read < BatchSize)
                {
                    Process(extractor, batch);
                    batch = Next();
                }

                if (batch is not null)
                {
                    for (var i = 1; i < Workers; i++)
                    {
                        _ = Task.Run(Help);
                    }

                    Work(extractor, batch);
                }
            }
            finally
            {
                _helpersDone.Wait();
                lock (_source)
                {
                    _entries?.Dispose();
                    _slices?.Dispose();
                }
            }

            if (_failure is not null)
            {
                ExceptionDispatchInfo.Throw(_failure);
            }

            // In reading order, so each series' runs come out as one thread would have appended them.
            var series = new Dictionary<LabelSet, List<(long, double)>>();
            foreach (var batch in _results)
            {
                foreach (var (labels, samples) in batch!)
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

        private void Help()
        {
            lock (_source)
            {
                if (_done)
                {
                    return;
                }

                _running++;
                _helpersDone.Reset();
            }

            try
            {
                Work(new SampleExtractor(expr), null);
            }
            finally
            {
                lock (_source)
                {
                    if (--_running == 0)
                    {
                        _helpersDone.Set();
                    }
                }
            }
        }

        private void Work(SampleExtractor extractor, Batch? batch)
        {
            try
            {
                while ((batch ??= Next()) is { } taken)
                {
                    Process(extractor, taken);
                    batch = null;
                }
            }
            catch (Exception ex)
            {
                lock (_source)
                {
                    _failure ??= ex;
                    _done = true;
                }
            }
        }

        private void Process(SampleExtractor extractor, Batch batch)
        {
            var series = new Dictionary<LabelSet, List<(long, double)>>();
            extractor.Extract(batch.Stream, batch.Entries, series);
            lock (_source)
            {
                _results[batch.Sequence] = series;
            }
        }

        public void Dispose() => _helpersDone.Dispose();

        /// <summary>The next batch of one stream's entries, or null when the source is exhausted or a thread failed.</summary>
        private Batch? Next()
        {
            lock (_source)
            {
                if (_done)
                {
                    return null;
                }

                _slices ??= slices.GetEnumerator();
                var entries = new List<LogEntry>(BatchSize);
                while (true)
                {
                    if (_entries is null)
                    {
                        if (!_slices.MoveNext())
                        {
                            _done = true;
                            return null;
                        }

                        _slice = _slices.Current;
                        _entries = _slice.Entries.GetEnumerator();
                    }

                    while (entries.Count < BatchSize && _entries.MoveNext())
                    {
                        entries.Add(_entries.Current);
                    }

                    if (entries.Count > 0)
                    {
                        _read += entries.Count;
                        if (entries.Count < BatchSize)
                        {
                            // The stream ended within the batch: the next batch starts with the next stream.
                            _entries.Dispose();
                            _entries = null;
                        }

                        _results.Add(null);
                        return new Batch(_results.Count - 1, _slice!.Labels, entries);
                    }

                    _entries.Dispose();
                    _entries = null;
                }
            }
        }
    }

    private sealed record Batch(int Sequence, LabelSet Stream, List<LogEntry> Entries);
}
