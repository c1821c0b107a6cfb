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
        var pipeline = LogPipeline.Compile(range.Log.Pipeline, required);
        var postFilters = unwrap?.PostFilters.Select(f => new LabelFilterPredicate(f)).ToArray() ?? [];
        var countsBytes = expr.Operation is RangeOperation.BytesOverTime or RangeOperation.BytesRate;
        var series = new Dictionary<LabelSet, List<(long, double)>>();
        var labels = new LabelsBuilder();

        // With "by", only the named labels survive the grouping: build the series key from them alone, rather than a
        // full label set per line that is thrown away when it is regrouped (json output makes nearly every one unique).
        var byLabels = expr.Grouping is { Without: false } by
            ? by.Labels.Where(n => n != unwrap?.Label && n != LabelsBuilder.ErrorLabel).Distinct().ToArray()
            : null;
        var keys = new Dictionary<string, LabelSet>(StringComparer.Ordinal);

        // Counting needs no line: a store may skip reading them when the pipeline is empty.
        var linesNeeded = countsBytes || unwrap is not null || expr.Operation is not (RangeOperation.CountOverTime or RangeOperation.Rate);
        foreach (var slice in source.Select(LogSelection.For(range.Log, fromNs, toNs, Direction.Forward, linesNeeded)))
        {
            // Without label-changing stages every sample of the stream lands in one series: look it up once.
            List<(long, double)>? fixedList = null;
            if (!pipeline.ChangesLabels && unwrap is null && !series.TryGetValue(slice.Labels, out fixedList))
            {
                fixedList = [];
                series[slice.Labels] = fixedList;
            }

            foreach (var entry in slice.Entries)
            {
                if (!pipeline.Process(entry, slice.Labels, labels, out var line))
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
                    if (!TryUnwrap(unwrap, labels, out value) || !PassesAll(postFilters, labels))
                    {
                        continue;
                    }
                }

                if (fixedList is not null && entry.Metadata is null)
                {
                    fixedList.Add((entry.TimestampNs, value));
                    continue;
                }

                var key = SeriesKey(labels, unwrap, byLabels, keys);
                if (!series.TryGetValue(key, out var list))
                {
                    list = [];
                    series[key] = list;
                }

                list.Add((entry.TimestampNs, value));
            }
        }

        // Several streams can land in one series (labels dropped or rewritten): their runs were appended one after
        // another, and the windows need one time order.
        foreach (var list in series.Values)
        {
            SampleRuns.Sort(list);
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

    /// <summary>
    /// The unwrapped value, false for a line without the label (or with it empty): Loki skips such a line rather than
    /// failing the query, so a stream with a few lines of another shape still has a metric. A value that does not
    /// convert is a sample in error (<c>SampleExtractionErr</c>), which fails the query unless a filter drops it.
    /// </summary>
    private static bool TryUnwrap(UnwrapExpr unwrap, LabelsBuilder labels, out double value)
    {
        value = 0;
        var text = labels.Get(unwrap.Label);
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var ok = unwrap.Conversion switch
        {
            UnwrapConversion.Duration or UnwrapConversion.DurationSeconds => LabelFilterPredicate.Duration(text, out value),
            UnwrapConversion.Bytes => LabelFilterPredicate.Bytes(text, out value),
            _ => LabelFilterPredicate.Number(text, out value),
        };
        if (!ok)
        {
            labels.SetError(SampleExtractionError, $"cannot unwrap \"{text}\" of label {unwrap.Label}");
            value = 0;
        }

        return true;
    }

    private static Dictionary<LabelSet, List<(long Ts, double Value)>> Regroup(Dictionary<LabelSet, List<(long, double)>> samples, Grouping grouping)
    {
        var names = grouping.Labels.ToHashSet(StringComparer.Ordinal);
        var projected = samples.Keys.Select(labels => (labels, Key: labels.Project(names, grouping.Without))).ToList();
        if (projected.All(p => p.Key.Equals(p.labels)))
        {
            // Already keyed by the grouping (the extraction built "by" keys itself): nothing to merge.
            return samples;
        }

        var regrouped = new Dictionary<LabelSet, List<(long, double)>>();
        foreach (var (labels, key) in projected)
        {
            var list = samples[labels];
            if (!regrouped.TryGetValue(key, out var target))
            {
                target = [];
                regrouped[key] = target;
            }

            target.AddRange(list);
        }

        foreach (var list in regrouped.Values)
        {
            SampleRuns.Sort(list);
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
