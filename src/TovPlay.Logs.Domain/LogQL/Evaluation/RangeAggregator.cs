using System.Text;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation.Stages;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>
/// Evaluates a range aggregation: extracts one sample per entry (1 for counting, the byte length for bytes, the
/// unwrapped label otherwise), groups samples into series by their labels, then slides the window
/// (t - offset - range, t - offset] over each series at every step.
/// </summary>
internal static class RangeAggregator
{
    /// <summary>Fewest entries worth a piece of their own on another core.</summary>
    private const int MinPiece = 8192;

    public const string SampleExtractionError = "SampleExtractionErr";

    public static StepVector Evaluate(RangeAggregationExpr expr, ILogStreamSource source, StepGrid grid)
    {
        var range = expr.Range;
        var rangeNs = range.Range.Nanoseconds;
        var offsetNs = range.Offset?.Nanoseconds ?? 0;
        var fromNs = grid.StartNs - offsetNs - rangeNs + 1;
        var toNs = grid.EndNs - offsetNs + 1;

        if (expr.Operation == RangeOperation.AbsentOverTime)
        {
            return Absent(expr, source, grid, fromNs, toNs, rangeNs, offsetNs);
        }

        var samples = Extract(expr, source, fromNs, toNs);
        if (expr.Grouping is { } grouping)
        {
            samples = Regroup(samples, grouping);
        }

        var result = new Dictionary<LabelSet, double[]>(samples.Count);
        foreach (var (labels, list) in samples)
        {
            var values = Slide(expr.Operation, expr.Parameter, list, grid, rangeNs, offsetNs);
            if (values is not null)
            {
                result[labels] = values;
            }
        }

        return StepVector.OfSeries(result);
    }

    private static Dictionary<LabelSet, List<(long Ts, double Value)>> Extract(RangeAggregationExpr expr, ILogStreamSource source, long fromNs, long toNs)
    {
        var range = expr.Range;
        var unwrap = range.Unwrap;

        // With "by", the result carries only the named labels: the pipeline need not extract any others.
        var required = expr.Grouping is { Without: false } grouping
            ? grouping.Labels.Concat(unwrap is null ? [] : [unwrap.Label]).Concat(unwrap?.PostFilters.SelectMany(Stages.FilteredJsonParser.Names) ?? []).ToList()
            : null;
        var countsBytes = expr.Operation is RangeOperation.BytesOverTime or RangeOperation.BytesRate;

        // With "by", only the named labels survive the grouping: build the series key from them alone, rather than a
        // full label set per line that is thrown away when it is regrouped (json output makes nearly every one unique).
        var byLabels = expr.Grouping is { Without: false } by
            ? by.Labels.Where(n => n != unwrap?.Label && n != LabelsBuilder.ErrorLabel).Distinct().ToArray()
            : null;

        // Stages keep per-line state: every thread gets its own compiled pipeline.
        Extraction NewExtraction() => new(
            LogPipeline.Compile(range.Log.Pipeline, required),
            unwrap?.PostFilters.Select(f => new LabelFilterPredicate(f)).ToArray() ?? [],
            unwrap,
            byLabels,
            countsBytes);

        // Counting needs no line: a store may skip reading them when the pipeline is empty.
        var linesNeeded = countsBytes || unwrap is not null || expr.Operation is not (RangeOperation.CountOverTime or RangeOperation.Rate);
        var slices = source.Select(LogSelection.For(range.Log, fromNs, toNs, Direction.Forward, linesNeeded)).ToList();

        // Work items: whole slices, and large in-memory slices cut into consecutive pieces, so one busy stream can use
        // every core. Results are merged in item order, which is the order of a single-threaded read.
        var items = new List<(int Slice, int Start, int End)>();
        var cores = Environment.ProcessorCount;
        for (var i = 0; i < slices.Count; i++)
        {
            if (cores > 1 && slices[i] is { Concurrent: true, Entries: IReadOnlyList<LogEntry> { Count: > 2 * MinPiece } list })
            {
                var piece = Math.Max(MinPiece, (list.Count + (2 * cores) - 1) / (2 * cores));
                for (var start = 0; start < list.Count; start += piece)
                {
                    items.Add((i, start, Math.Min(list.Count, start + piece)));
                }
            }
            else
            {
                items.Add((i, 0, -1));
            }
        }

        var perItem = new Dictionary<LabelSet, List<(long, double)>>[items.Count];
        var parallel = Enumerable.Range(0, items.Count).Where(k => slices[items[k].Slice].Concurrent).ToList();
        if (parallel.Count > 1 && cores > 1)
        {
            try
            {
                Parallel.ForEach(parallel, NewExtraction, (k, _, extraction) =>
                {
                    perItem[k] = extraction.Run(slices[items[k].Slice], items[k].Start, items[k].End);
                    return extraction;
                }, _ => { });
            }
            catch (AggregateException ex) when (ex.InnerExceptions.OfType<EvaluationException>().FirstOrDefault() is { } first)
            {
                throw first;
            }
        }

        var sequential = NewExtraction();
        for (var k = 0; k < items.Count; k++)
        {
            perItem[k] ??= sequential.Run(slices[items[k].Slice], items[k].Start, items[k].End);
        }

        var series = new Dictionary<LabelSet, List<(long, double)>>();
        foreach (var part in perItem)
        {
            foreach (var (key, list) in part)
            {
                if (series.TryGetValue(key, out var existing))
                {
                    existing.AddRange(list);
                }
                else
                {
                    series[key] = list;
                }
            }
        }

        // Several streams can land in one series (labels dropped or rewritten): their runs were appended one after
        // another, and the windows need one time order.
        foreach (var (key, list) in series)
        {
            if (!IsSorted(list))
            {
                series[key] = [.. list.OrderBy(sample => sample.Item1)];
            }
        }

        foreach (var key in series.Keys)
        {
            if (key[LabelsBuilder.ErrorLabel] is { } error)
            {
                throw new EvaluationException(
                    $"pipeline error: '{error}' for series: '{key}'. Use a label filter to intentionally skip this error. (e.g | __error__!=\"{error}\")");
            }
        }

        return series;
    }

    /// <param name="keys">Label sets already built, by their values joined: most lines repeat a few of them.</param>
    /// <summary>One thread's tools for turning a slice's entries into samples: not shareable between threads.</summary>
    private sealed class Extraction(LogPipeline pipeline, LabelFilterPredicate[] postFilters, UnwrapExpr? unwrap, string[]? byLabels, bool countsBytes)
    {
        private readonly LabelsBuilder _labels = new();
        private readonly Dictionary<string, LabelSet> _keys = new(StringComparer.Ordinal);

        /// <summary>Entries [start, end) of an in-memory slice, or all of it when <paramref name="end"/> is -1.</summary>
        public Dictionary<LabelSet, List<(long, double)>> Run(StreamSlice slice, int start, int end)
        {
            var entries = end < 0 ? slice.Entries : Piece((IReadOnlyList<LogEntry>)slice.Entries, start, end);
            var series = new Dictionary<LabelSet, List<(long, double)>>();

            // Without label-changing stages every sample of the stream lands in one series: look it up once.
            List<(long, double)>? fixedList = null;
            if (!pipeline.ChangesLabels && unwrap is null)
            {
                fixedList = [];
                series[slice.Labels] = fixedList;
            }

            foreach (var entry in entries)
            {
                if (!pipeline.Process(entry, slice.Labels, _labels, out var line))
                {
                    continue;
                }

                double value = 1;
                if (countsBytes)
                {
                    value = Encoding.UTF8.GetByteCount(line);
                }
                else if (unwrap is not null)
                {
                    value = Unwrap(unwrap, _labels);
                    if (!PassesAll(postFilters, _labels))
                    {
                        continue;
                    }
                }

                if (fixedList is not null && entry.Metadata is null)
                {
                    fixedList.Add((entry.TimestampNs, value));
                    continue;
                }

                var key = SeriesKey(_labels, unwrap, byLabels, _keys);
                if (!series.TryGetValue(key, out var list))
                {
                    list = [];
                    series[key] = list;
                }

                list.Add((entry.TimestampNs, value));
            }

            if (fixedList is { Count: 0 })
            {
                series.Remove(slice.Labels);
            }

            return series;
        }

        private static IEnumerable<LogEntry> Piece(IReadOnlyList<LogEntry> list, int start, int end)
        {
            for (var i = start; i < end; i++)
            {
                yield return list[i];
            }
        }
    }

    private static LabelSet SeriesKey(LabelsBuilder labels, UnwrapExpr? unwrap, string[]? byLabels, Dictionary<string, LabelSet> keys)
    {
        if (byLabels is null || labels.HasError)
        {
            // Full labels: also when the line failed, so the error check below can name its whole series.
            var full = labels.ToLabelSet();
            return unwrap is null ? full : full.Without(unwrap.Label);
        }

        var values = byLabels.Length == 1
            ? labels.Get(byLabels[0]) ?? ""
            : string.Join('\u0001', byLabels.Select(n => labels.Get(n) ?? ""));
        if (!keys.TryGetValue(values, out var key))
        {
            key = LabelSet.From([.. byLabels.Select(n => new KeyValuePair<string, string>(n, labels.Get(n) ?? ""))]);
            keys[values] = key;
        }

        return key;
    }

    private static bool IsSorted(List<(long Ts, double Value)> list)
    {
        for (var i = 1; i < list.Count; i++)
        {
            if (list[i].Ts < list[i - 1].Ts)
            {
                return false;
            }
        }

        return true;
    }

    private static bool PassesAll(LabelFilterPredicate[] filters, LabelsBuilder labels)
    {
        foreach (var filter in filters)
        {
            if (!filter.Test(labels))
            {
                return false;
            }
        }

        return true;
    }

    private static double Unwrap(UnwrapExpr unwrap, LabelsBuilder labels)
    {
        var text = labels.Get(unwrap.Label);
        double value = 0;
        var ok = text is not null && unwrap.Conversion switch
        {
            UnwrapConversion.Duration or UnwrapConversion.DurationSeconds => LabelFilterPredicate.Duration(text, out value),
            UnwrapConversion.Bytes => LabelFilterPredicate.Bytes(text, out value),
            _ => LabelFilterPredicate.Number(text, out value),
        };
        if (!ok)
        {
            labels.SetError(SampleExtractionError, $"cannot unwrap \"{text}\" of label {unwrap.Label}");
            return 0;
        }

        return value;
    }

    private static Dictionary<LabelSet, List<(long Ts, double Value)>> Regroup(Dictionary<LabelSet, List<(long, double)>> samples, Grouping grouping)
    {
        var names = grouping.Labels.ToHashSet(StringComparer.Ordinal);
        var regrouped = new Dictionary<LabelSet, List<(long, double)>>();
        foreach (var (labels, list) in samples)
        {
            var key = labels.Project(names, grouping.Without);
            if (!regrouped.TryGetValue(key, out var target))
            {
                target = [];
                regrouped[key] = target;
            }

            target.AddRange(list);
        }

        foreach (var list in regrouped.Values)
        {
            list.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        }

        return regrouped;
    }

    private static double[]? Slide(RangeOperation op, double? parameter, List<(long Ts, double Value)> samples, StepGrid grid, long rangeNs, long offsetNs)
    {
        var values = StepVector.Empty(grid.Count);
        var any = false;
        int lo = 0, hi = 0;
        var rangeSeconds = rangeNs / 1e9;
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(samples);
        for (var k = 0; k < grid.Count; k++)
        {
            var end = grid.At(k) - offsetNs;
            var start = end - rangeNs;
            while (lo < span.Length && span[lo].Ts <= start)
            {
                lo++;
            }

            if (hi < lo)
            {
                hi = lo;
            }

            while (hi < span.Length && span[hi].Ts <= end)
            {
                hi++;
            }

            if (hi == lo)
            {
                continue;
            }

            values[k] = WindowFunctions.Aggregate(op, parameter, span[lo..hi], rangeSeconds, start, end);
            any |= !StepVector.IsAbsent(values[k]);
        }

        return any ? values : null;
    }

    private static StepVector Absent(RangeAggregationExpr expr, ILogStreamSource source, StepGrid grid, long fromNs, long toNs, long rangeNs, long offsetNs)
    {
        var pipeline = LogPipeline.Compile(expr.Range.Log.Pipeline);
        var labels = new LabelsBuilder();
        var timestamps = new List<long>();
        foreach (var slice in source.Select(LogSelection.For(expr.Range.Log, fromNs, toNs, Direction.Forward, linesNeeded: false)))
        {
            foreach (var entry in slice.Entries)
            {
                if (pipeline.Process(entry, slice.Labels, labels, out _))
                {
                    timestamps.Add(entry.TimestampNs);
                }
            }
        }

        timestamps.Sort();
        var values = StepVector.Empty(grid.Count);
        var any = false;
        for (var k = 0; k < grid.Count; k++)
        {
            var end = grid.At(k) - offsetNs;
            var start = end - rangeNs;
            var i = timestamps.BinarySearch(start + 1);
            i = i < 0 ? ~i : i;
            if (i >= timestamps.Count || timestamps[i] > end)
            {
                values[k] = 1;
                any = true;
            }
        }

        // The absent series carries the selector's exact-match labels, as in Prometheus.
        var key = LabelSet.From(expr.Range.Log.Selector.Matchers.Where(m => m.Operator == MatchOperator.Equal).Select(m => (m.Name, m.Value)).ToArray());
        return StepVector.OfSeries(any ? new Dictionary<LabelSet, double[]> { [key] = values } : []);
    }
}
