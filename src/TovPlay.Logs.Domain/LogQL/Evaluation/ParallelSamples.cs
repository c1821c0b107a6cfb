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
                if (extractor.ReadsUtf8 && slice.Utf8Entries is { } utf8)
                {
                    extractor.Extract(slice.Labels, utf8, series);
                }
                else
                {
                    extractor.Extract(slice.Labels, slice.Entries, series);
                }
            }

            return series;
        }

        using var run = new Run(expr, slices, extractor.ReadsUtf8);
        return run.Execute(extractor);
    }

    private sealed class Run(RangeAggregationExpr expr, IEnumerable<StreamSlice> slices, bool readsUtf8) : IDisposable
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
        private IEnumerator<Utf8Entry>? _utf8Entries;
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
                    // A thread of its own, not the pool's: the query itself holds a pool thread while it runs, and on a
                    // small machine the pool's others are often busy serving requests, so a queued helper would start
                    // late or, once the work is done, not at all.
                    for (var i = 1; i < Workers; i++)
                    {
                        _ = Task.Factory.StartNew(Help, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
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
                    _utf8Entries?.Dispose();
                    _slices?.Dispose();
                }
            }

            if (_failure is not null)
            {
                ExceptionDispatchInfo.Throw(_failure);
            }

            // Each series' list is made once at its full size: grown by doubling, a busy series' list is copied again
            // and again, on the large object heap once past a few thousand samples.
            var sizes = new Dictionary<LabelSet, int>();
            foreach (var batch in _results)
            {
                foreach (var (labels, samples) in batch!)
                {
                    sizes[labels] = sizes.GetValueOrDefault(labels) + samples.Count;
                }
            }

            // In reading order, so each series' runs come out as one thread would have appended them.
            var series = new Dictionary<LabelSet, List<(long, double)>>(sizes.Count);
            foreach (var batch in _results)
            {
                foreach (var (labels, samples) in batch!)
                {
                    if (!series.TryGetValue(labels, out var list))
                    {
                        list = new List<(long, double)>(sizes[labels]);
                        series[labels] = list;
                    }

                    list.AddRange(samples);
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
            if (batch.Utf8Entries is { } utf8)
            {
                extractor.Extract(batch.Stream, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(utf8), series);
            }
            else
            {
                extractor.Extract(batch.Stream, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batch.Entries), series);
            }

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
                while (true)
                {
                    if (_entries is null && _utf8Entries is null)
                    {
                        if (!_slices.MoveNext())
                        {
                            _done = true;
                            return null;
                        }

                        _slice = _slices.Current;
                        if (readsUtf8 && _slice.Utf8Entries is { } utf8)
                        {
                            _utf8Entries = utf8.GetEnumerator();
                        }
                        else
                        {
                            _entries = _slice.Entries.GetEnumerator();
                        }
                    }

                    var batch = _utf8Entries is not null
                        ? Take(ref _utf8Entries, (s, e) => new Batch(s, _slice!.Labels, null, e))
                        : Take(ref _entries, (s, e) => new Batch(s, _slice!.Labels, e, null));
                    if (batch is not null)
                    {
                        return batch;
                    }
                }
            }
        }

        /// <summary>Up to a batch of the current stream's entries; null, with the stream closed, when it had none left.</summary>
        private Batch? Take<T>(ref IEnumerator<T>? entries, Func<int, List<T>, Batch> batch)
        {
            var taken = new List<T>(BatchSize);
            while (taken.Count < BatchSize && entries!.MoveNext())
            {
                taken.Add(entries.Current);
            }

            if (taken.Count < BatchSize)
            {
                // The stream ended within the batch: the next batch starts with the next stream.
                entries!.Dispose();
                entries = null;
            }

            if (taken.Count == 0)
            {
                return null;
            }

            _read += taken.Count;
            _results.Add(null);
            return batch(_results.Count - 1, taken);
        }
    }

    /// <summary>A batch of one stream's entries, as text or as UTF-8.</summary>
    private sealed record Batch(int Sequence, LabelSet Stream, List<LogEntry>? Entries, List<Utf8Entry>? Utf8Entries);
}
