namespace TovPlay.Logs.Domain.Investigations;

/// <summary>What an activity series measures.</summary>
public enum ActivitySignal
{
    /// <summary>Rows removed by DELETE, TRUNCATE or DROP TABLE, from the audit trail.</summary>
    RowsRemoved,

    /// <summary>Rows inserted or updated, from the audit trail.</summary>
    RowsChanged,

    /// <summary>Rows updated, from the audit trail: an UPDATE over many rows destroys their old values.</summary>
    RowsOverwritten,

    /// <summary>Requests the backend logged.</summary>
    Requests,

    /// <summary>Error lines of any TovPlay service.</summary>
    Errors,

    /// <summary>The backend's slowest requests (95th percentile of duration_ms).</summary>
    Latency,

    /// <summary>Sign-ins the backend refused (action LOGIN_FAILED): passwords being guessed.</summary>
    SignInFailures,
}

/// <summary>One series of the WHEN chart: a table's removed rows, the request rate, the error rate...</summary>
public sealed record ActivitySeries(string Name, ActivitySignal Signal, IReadOnlyList<ActivityPoint> Points);

/// <summary>
/// The window the WHEN step proposes: per scenario, the signals that point at it in order of trust (a wipe is seen
/// first in removed rows, then in errors; a slow API in a latency level shift), the first one with an anomaly wins.
/// </summary>
public static class WindowProposal
{
    public static AnomalyWindow? Propose(ScenarioKind scenario, IReadOnlyList<ActivitySeries> series, TimeSpan step, DateTimeOffset? around = null)
    {
        // Without a time from the operator the most trusted signal with an anomaly wins. With one, the anomaly nearest
        // to it wins, whichever signal shows it (trust breaks ties): the operator knows roughly when, and an ordinary
        // spike of a more trusted signal an hour away is not what they are asking about.
        AnomalyWindow? best = null;
        var bestDistance = TimeSpan.MaxValue;
        foreach (var (signal, shift) in Order(scenario))
        {
            var total = Total(series.Where(s => s.Signal == signal).ToList());
            if (total.Count == 0)
            {
                continue;
            }

            var found = shift ? ActivityWindow.LevelShift(total, step) : ActivityWindow.Spike(total, step, around);
            if (found is null)
            {
                continue;
            }

            found = found with { Explanation = $"{Describe(signal)}: {found.Explanation}" };
            if (around is not { } hint)
            {
                return found;
            }

            var distance = hint < found.Start ? found.Start - hint : hint > found.End ? hint - found.End : TimeSpan.Zero;
            if (distance < bestDistance)
            {
                (best, bestDistance) = (found, distance);
            }
        }

        return best;
    }

    public static string Describe(ActivitySignal signal) => signal switch
    {
        ActivitySignal.RowsRemoved => "Rows removed",
        ActivitySignal.RowsChanged => "Rows inserted or updated",
        ActivitySignal.RowsOverwritten => "Rows overwritten (UPDATE)",
        ActivitySignal.Requests => "Requests",
        ActivitySignal.Errors => "Errors",
        ActivitySignal.Latency => "Request time (p95, ms)",
        ActivitySignal.SignInFailures => $"Failed sign-ins (each point: the last {ActivityQueries.SignInFailureBuckets} buckets)",
        _ => signal.ToString(),
    };

    private static IEnumerable<(ActivitySignal Signal, bool LevelShift)> Order(ScenarioKind scenario) => scenario switch
    {
        ScenarioKind.Wipe => [(ActivitySignal.RowsRemoved, false), (ActivitySignal.RowsOverwritten, false), (ActivitySignal.Errors, false)],
        ScenarioKind.SuspiciousAccount => [(ActivitySignal.RowsRemoved, false), (ActivitySignal.SignInFailures, false), (ActivitySignal.RowsChanged, false), (ActivitySignal.Requests, false)],
        ScenarioKind.SlowApi => [(ActivitySignal.Latency, true), (ActivitySignal.Latency, false), (ActivitySignal.Errors, false)],
        ScenarioKind.ErrorSpike => [(ActivitySignal.Errors, false), (ActivitySignal.Errors, true)],
        _ => [(ActivitySignal.RowsRemoved, false), (ActivitySignal.Errors, false), (ActivitySignal.RowsChanged, false), (ActivitySignal.Requests, false)],
    };

    /// <summary>The signal's series summed per bucket (several tables' removed rows make one wipe signal).</summary>
    private static List<ActivityPoint> Total(List<ActivitySeries> series) =>
        [.. series.SelectMany(s => s.Points).GroupBy(p => p.Start).OrderBy(g => g.Key).Select(g => new ActivityPoint(g.Key, g.Sum(p => p.Value)))];

    /// <summary>Evenly spaced buckets from start to end with zeros where a series had no sample (a count is absent when nothing happened; a latency is not zero then, so it is never filled).</summary>
    public static IReadOnlyList<ActivityPoint> Fill(IEnumerable<ActivityPoint> points, DateTimeOffset start, DateTimeOffset end, TimeSpan step)
    {
        var known = points.GroupBy(p => Floor(p.Start, step)).ToDictionary(g => g.Key, g => g.Sum(p => p.Value));
        var filled = new List<ActivityPoint>();
        for (var at = Floor(start, step); at < end; at += step)
        {
            filled.Add(new ActivityPoint(at, known.GetValueOrDefault(at)));
        }

        return filled;
    }

    /// <summary>The start of the bucket holding <paramref name="time"/>, buckets aligned to the Unix epoch.</summary>
    public static DateTimeOffset Floor(DateTimeOffset time, TimeSpan step) =>
        DateTimeOffset.UnixEpoch.AddTicks((time - DateTimeOffset.UnixEpoch).Ticks / step.Ticks * step.Ticks);
}
