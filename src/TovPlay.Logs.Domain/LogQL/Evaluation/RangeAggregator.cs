using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>
/// Evaluates a range aggregation: extracts one sample per entry into series by their labels (<see cref="SampleExtractor"/>,
/// on several threads when the pipeline is costly), then slides the window (t - offset - range, t - offset] over each
/// series at every step.
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
        // Counting needs no line: a store may skip reading them when the pipeline is empty.
        var linesNeeded = expr.Range.Unwrap is not null
            || expr.Operation is not (RangeOperation.CountOverTime or RangeOperation.Rate);
        var series = ParallelSamples.Extract(expr, source.Select(LogSelection.For(expr.Range.Log, fromNs, toNs, Direction.Forward, linesNeeded)));

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
