using System.Globalization;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>One bucket of an activity series: its start and value (a count, a rate, a latency).</summary>
public readonly record struct ActivityPoint(DateTimeOffset Start, double Value);

/// <summary>The window the detector proposes, how unusual it is, and one sentence saying how it was found.</summary>
public sealed record AnomalyWindow(DateTimeOffset Start, DateTimeOffset End, double Peak, double Baseline, double Score, string Explanation);

/// <summary>
/// Proposes the anomaly window in an activity series. Spikes (a wipe, an error burst): buckets far above the series'
/// median, measured against its median absolute deviation, so the spike itself does not hide in the average; the run
/// of such buckets nearest the operator's approximate time wins. Level shifts (an endpoint slow since a deploy): the
/// single split that best divides the series into a before and an after level.
/// </summary>
public static class ActivityWindow
{
    /// <summary>Robust z-score a bucket needs to count as part of a spike.</summary>
    public const double SpikeScore = 4;

    /// <summary>Robust z-score of a bucket next to a spike that still counts as part of it.</summary>
    public const double ShoulderScore = 2;

    /// <summary>How many standard errors apart the before and after levels must be to count as a shift.</summary>
    public const double ShiftScore = 4;

    public static AnomalyWindow? Spike(IReadOnlyList<ActivityPoint> series, TimeSpan step, DateTimeOffset? around = null)
    {
        if (series.Count < 3)
        {
            return null;
        }

        var values = series.Select(p => p.Value).ToArray();
        var median = Median(values);
        // Scaled MAD estimates the standard deviation of normal traffic; a floor of 1 keeps a flat, quiet series
        // (all zeros) from calling any single event a spike of infinite score.
        var spread = Math.Max(1, 1.4826 * Median(values.Select(v => Math.Abs(v - median)).ToArray()));
        var scores = values.Select(v => (v - median) / spread).ToArray();

        var runs = new List<(int First, int Last)>();
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] < SpikeScore)
            {
                continue;
            }

            if (runs.Count > 0 && runs[^1].Last == i - 1)
            {
                runs[^1] = (runs[^1].First, i);
            }
            else
            {
                runs.Add((i, i));
            }
        }

        if (runs.Count == 0)
        {
            return null;
        }

        var chosen = around is { } hint
            ? runs.MinBy(r => Distance(series[r.First].Start, series[r.Last].Start + step, hint))
            : runs.MaxBy(r => values[r.First..(r.Last + 1)].Max());
        // The spike's shoulders belong to it: a burst rarely starts and ends on bucket edges.
        while (chosen.First > 0 && scores[chosen.First - 1] >= ShoulderScore)
        {
            chosen = (chosen.First - 1, chosen.Last);
        }

        while (chosen.Last < scores.Length - 1 && scores[chosen.Last + 1] >= ShoulderScore)
        {
            chosen = (chosen.First, chosen.Last + 1);
        }

        var peakIndex = Enumerable.Range(chosen.First, chosen.Last - chosen.First + 1).MaxBy(i => values[i]);
        var start = series[chosen.First].Start;
        var end = series[chosen.Last].Start + step;
        var score = scores[peakIndex];
        var explanation = string.Create(CultureInfo.InvariantCulture,
            $"From {Clock(start)} to {Clock(end)} UTC activity reached {values[peakIndex]:0.##} per {Describe(step)}, against a usual {median:0.##} (robust z-score {score:0.#}: {score:0.#} times the normal spread above the median).");
        return new AnomalyWindow(start, end, values[peakIndex], median, score, explanation);
    }

    /// <summary>How many of a series' buckets may hold something for each of them to count as rare.</summary>
    public const double RareShare = 0.1;

    /// <summary>
    /// An event rare in its series: when at most a tenth of the buckets (and at least one) hold anything, the run of
    /// them nearest the operator's time (else the largest) is the window. A spike needs a normal level to stand above;
    /// a series that is almost always zero has none, and its few events are the news.
    /// </summary>
    public static AnomalyWindow? Rare(IReadOnlyList<ActivityPoint> series, TimeSpan step, DateTimeOffset? around = null)
    {
        var busy = Enumerable.Range(0, series.Count).Where(i => series[i].Value > 0).ToList();
        if (busy.Count == 0 || busy.Count > Math.Max(1, (int)(series.Count * RareShare)))
        {
            return null;
        }

        var runs = new List<(int First, int Last)>();
        foreach (var i in busy)
        {
            if (runs.Count > 0 && runs[^1].Last == i - 1)
            {
                runs[^1] = (runs[^1].First, i);
            }
            else
            {
                runs.Add((i, i));
            }
        }

        double Sum((int First, int Last) run) => Enumerable.Range(run.First, run.Last - run.First + 1).Sum(i => series[i].Value);
        var chosen = around is { } hint
            ? runs.MinBy(r => Distance(series[r.First].Start, series[r.Last].Start + step, hint))
            : runs.MaxBy(Sum);
        var start = series[chosen.First].Start;
        var end = series[chosen.Last].Start + step;
        var peak = Enumerable.Range(chosen.First, chosen.Last - chosen.First + 1).Max(i => series[i].Value);
        var explanation = string.Create(CultureInfo.InvariantCulture,
            $"From {Clock(start)} to {Clock(end)} UTC: {Sum(chosen):0.##} in all, in {busy.Count} of the range's {series.Count} buckets (every other one holds none), so the few there are stand out.");
        return new AnomalyWindow(start, end, peak, 0, peak, explanation);
    }

    /// <summary>The best single split into a before and an after level, when the after level differs clearly; null otherwise.</summary>
    /// <param name="robust">
    /// Take the split, each level and its noise around medians (absolute deviations, not squares), for a measurement
    /// such as request time: one wild bucket (a partial last minute with a handful of slow requests) then neither moves
    /// the split to itself, nor sets a level, nor drowns the shift in its variance. Counts (errors, requests) keep
    /// means: mostly zero with a burst, their median says nothing.
    /// </param>
    public static AnomalyWindow? LevelShift(IReadOnlyList<ActivityPoint> series, TimeSpan step, double minimumRatio = 1.5, bool robust = false)
    {
        if (series.Count < 6)
        {
            return null;
        }

        var values = series.Select(p => p.Value).ToArray();
        var (prefixCost, suffixCost) = robust
            ? (AbsoluteDeviations(values), AbsoluteDeviations([.. values.Reverse()]))
            : (SquaredDeviations(values), SquaredDeviations([.. values.Reverse()]));

        // Each side keeps at least two buckets, so one odd bucket is not a "level".
        var split = Enumerable.Range(2, values.Length - 3).MinBy(k => prefixCost[k] + suffixCost[values.Length - k]);
        var (before, beforeNoise) = robust ? Level(values[..split]) : Mean(values[..split]);
        var (after, afterNoise) = robust ? Level(values[split..]) : Mean(values[split..]);
        var ratio = before <= 0 ? double.PositiveInfinity : after / before;
        // Clear in size (the ratio) and beyond the noise of either level (Welch's t), so a wobble in a quiet series is no shift.
        var noise = Math.Sqrt((beforeNoise * beforeNoise / split) + (afterNoise * afterNoise / (values.Length - split)));
        if (after <= before || ratio < minimumRatio || (after - before) < ShiftScore * noise)
        {
            return null;
        }

        var start = series[split].Start;
        var end = series[^1].Start + step;
        var explanation = string.Create(CultureInfo.InvariantCulture,
            $"From {Clock(start)} UTC the level rose from {before:0.##} to {after:0.##} per {Describe(step)} ({ratio:0.#}x) and stayed there: the split that best divides the series into a before and an after.");
        return new AnomalyWindow(start, end, values[split..].Max(), before, ratio, explanation);
    }

    private static TimeSpan Distance(DateTimeOffset start, DateTimeOffset end, DateTimeOffset hint) =>
        hint < start ? start - hint : hint > end ? hint - end : TimeSpan.Zero;

    /// <summary>
    /// For every prefix length n, the sum of the prefix's absolute deviations from its median, in O(n log n): two heaps
    /// hold the lower and upper halves with their sums, so each step costs a heap operation, not a sort.
    /// </summary>
    private static double[] AbsoluteDeviations(double[] values)
    {
        var costs = new double[values.Length + 1];
        var lower = new PriorityQueue<double, double>(Comparer<double>.Create((a, b) => b.CompareTo(a)));
        var upper = new PriorityQueue<double, double>();
        double lowerSum = 0, upperSum = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (lower.Count == 0 || v <= lower.Peek())
            {
                lower.Enqueue(v, v);
                lowerSum += v;
            }
            else
            {
                upper.Enqueue(v, v);
                upperSum += v;
            }

            // The lower half holds the median: as many as the upper half, or one more.
            if (lower.Count > upper.Count + 1)
            {
                var moved = lower.Dequeue();
                lowerSum -= moved;
                upper.Enqueue(moved, moved);
                upperSum += moved;
            }
            else if (upper.Count > lower.Count)
            {
                var moved = upper.Dequeue();
                upperSum -= moved;
                lower.Enqueue(moved, moved);
                lowerSum += moved;
            }

            var median = lower.Peek();
            costs[i + 1] = (median * lower.Count) - lowerSum + upperSum - (median * upper.Count);
        }

        return costs;
    }

    /// <summary>For every prefix length n, the sum of the prefix's squared deviations from its mean.</summary>
    private static double[] SquaredDeviations(double[] values)
    {
        var costs = new double[values.Length + 1];
        double sum = 0, squares = 0;
        for (var i = 0; i < values.Length; i++)
        {
            sum += values[i];
            squares += values[i] * values[i];
            costs[i + 1] = squares - (sum * sum / (i + 1));
        }

        return costs;
    }

    /// <summary>A segment's mean, and its standard deviation (n - 1).</summary>
    private static (double Level, double Noise) Mean(double[] values)
    {
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Length - 1);
        return (mean, Math.Sqrt(variance));
    }

    /// <summary>A segment's median, and its spread as a standard deviation estimated from the median absolute deviation.</summary>
    private static (double Level, double Noise) Level(double[] values)
    {
        var median = Median(values);
        return (median, 1.4826 * Median([.. values.Select(v => Math.Abs(v - median))]));
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static string Clock(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Describe(TimeSpan step) => step.TotalSeconds switch
    {
        1 => "second",
        60 => "minute",
        3600 => "hour",
        _ when step.TotalMinutes >= 1 && step.TotalMinutes % 1 == 0 => $"{step.TotalMinutes:0} minutes",
        _ => $"{step.TotalSeconds:0} seconds",
    };
}
