using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>The functions a range aggregation applies to the samples of one window.</summary>
internal static class WindowFunctions
{
    public static double Aggregate(RangeOperation op, double? parameter, ReadOnlySpan<(long Ts, double Value)> window, double rangeSeconds, long startNs, long endNs)
    {
        switch (op)
        {
            case RangeOperation.CountOverTime:
                return window.Length;
            case RangeOperation.Rate:
            case RangeOperation.BytesRate:
                return Sum(window) / rangeSeconds;
            case RangeOperation.BytesOverTime:
            case RangeOperation.SumOverTime:
                return Sum(window);
            case RangeOperation.AvgOverTime:
                return Sum(window) / window.Length;
            case RangeOperation.MinOverTime:
                var min = double.PositiveInfinity;
                foreach (var s in window)
                {
                    min = Math.Min(min, s.Value);
                }

                return min;
            case RangeOperation.MaxOverTime:
                var max = double.NegativeInfinity;
                foreach (var s in window)
                {
                    max = Math.Max(max, s.Value);
                }

                return max;
            case RangeOperation.StdvarOverTime:
                return Variance(window);
            case RangeOperation.StddevOverTime:
                return Math.Sqrt(Variance(window));
            case RangeOperation.QuantileOverTime:
                return Quantile(parameter ?? 0.5, window);
            case RangeOperation.FirstOverTime:
                return window[0].Value;
            case RangeOperation.LastOverTime:
                return window[^1].Value;
            case RangeOperation.RateCounter:
                return CounterRate(window, rangeSeconds);
            default:
                throw new EvaluationException($"range aggregation {op} is not supported");
        }
    }

    private static double Sum(ReadOnlySpan<(long Ts, double Value)> window)
    {
        double sum = 0;
        foreach (var s in window)
        {
            sum += s.Value;
        }

        return sum;
    }

    private static double Variance(ReadOnlySpan<(long Ts, double Value)> window)
    {
        double mean = 0, m2 = 0;
        var n = 0;
        foreach (var s in window)
        {
            n++;
            var delta = s.Value - mean;
            mean += delta / n;
            m2 += delta * (s.Value - mean);
        }

        return m2 / n;
    }

    /// <summary>Prometheus's quantile: linear interpolation between the closest ranks.</summary>
    public static double Quantile(double q, ReadOnlySpan<(long Ts, double Value)> window)
    {
        if (q < 0)
        {
            return double.NegativeInfinity;
        }

        if (q > 1)
        {
            return double.PositiveInfinity;
        }

        var sorted = new double[window.Length];
        for (var i = 0; i < window.Length; i++)
        {
            sorted[i] = window[i].Value;
        }

        Array.Sort(sorted);
        return QuantileOfSorted(q, sorted);
    }

    public static double QuantileOfSorted(double q, double[] sorted)
    {
        var rank = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(rank);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        var weight = rank - lower;
        return (sorted[lower] * (1 - weight)) + (sorted[upper] * weight);
    }

    /// <summary>
    /// <c>rate_counter</c> as Loki 2.8 computes it (Prometheus' extrapolated rate, adapted): fewer than two samples
    /// give 0, not an absent point; the window is taken to start one range before the first sample and to end at the
    /// last one, and a counter that rose is not extrapolated below zero.
    /// </summary>
    private static double CounterRate(ReadOnlySpan<(long Ts, double Value)> window, double rangeSeconds)
    {
        if (window.Length < 2)
        {
            return 0;
        }

        var increase = window[^1].Value - window[0].Value;
        var last = 0.0;
        foreach (var sample in window)
        {
            if (sample.Value < last)
            {
                increase += last;
            }

            last = sample.Value;
        }

        var sampled = (window[^1].Ts - window[0].Ts) / 1e9;
        var toStart = rangeSeconds;
        const double toEnd = 0;
        var average = sampled / (window.Length - 1);
        if (increase > 0 && window[0].Value >= 0)
        {
            toStart = Math.Min(toStart, sampled * (window[0].Value / increase));
        }

        var threshold = average * 1.1;
        var extrapolateTo = sampled;
        extrapolateTo += toStart < threshold ? toStart : average / 2;
        extrapolateTo += toEnd < threshold ? toEnd : average / 2;
        return increase * (extrapolateTo / sampled) / rangeSeconds;
    }
}
