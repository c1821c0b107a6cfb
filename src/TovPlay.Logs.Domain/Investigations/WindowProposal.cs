namespace TovPlay.Logs.Domain.Investigations;

/// <summary>What an activity series measures.</summary>
public enum ActivitySignal
{
    /// <summary>Rows removed by DELETE, TRUNCATE or DROP TABLE, from the audit trail.</summary>
    RowsRemoved,

    /// <summary>Rows inserted or updated, from the audit trail.</summary>
    RowsChanged,

    /// <summary>Rows overwritten, from the audit trail: an UPDATE of many rows or of most of its table destroys their old values.</summary>
    RowsOverwritten,

    /// <summary>Requests the backend logged.</summary>
    Requests,

    /// <summary>Error lines of any TovPlay service.</summary>
    Errors,

    /// <summary>The backend's slowest requests (95th percentile of duration_ms).</summary>
    Latency,

    /// <summary>Sign-ins the backend refused (action LOGIN_FAILED): passwords being guessed.</summary>
    SignInFailures,

    /// <summary>What PostgreSQL refused for lack of privilege, and the sign-ins it refused, from its own log.</summary>
    DatabaseRefusals,
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
        // Per signal, a spike, or else an event rare enough to stand out by being there: a deleted row in a quiet table is
        // the wipe, and a spike of errors in a less trusted tier is not (nor, with a time given, one far from it).
        var found = Find(scenario, series, step, around, (signal, shift, total, at, hint) => Anomaly(signal, shift, total, at, hint) ?? Rare(signal, shift, total, at, hint));
        return scenario == ScenarioKind.SuspiciousAccount && found is not null ? LeadUp(found, series, step) : found;
    }

    /// <summary>How many buckets an account's window may reach back for the activity leading up to its anomaly.</summary>
    public const int LeadUpBuckets = 10;

    /// <summary>
    /// An account's anomaly (the removals, the failed sign-ins) is the end of a sequence: the sign-in and the credential
    /// change come just before, often in the bucket before. The window takes in the account's activity right before
    /// it, bucket by bucket while there is any, up to <see cref="LeadUpBuckets"/>.
    /// </summary>
    private static AnomalyWindow LeadUp(AnomalyWindow window, IReadOnlyList<ActivitySeries> series, TimeSpan step)
    {
        var busy = series.Where(s => s.Signal != ActivitySignal.Latency).SelectMany(s => s.Points).Where(p => p.Value > 0).Select(p => p.Start).ToHashSet();
        var start = window.Start;
        for (var i = 0; i < LeadUpBuckets && busy.Contains(start - step); i++)
        {
            start -= step;
        }

        return start == window.Start ? window : window with
        {
            Start = start,
            Explanation = window.Explanation + $" Widened to start at {start.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)} UTC, to take in the account's activity leading up to it.",
        };
    }

    /// <summary>
    /// Without a time from the operator the anomaly of the most trusted tier wins, the strongest of its signals (a wipe's
    /// removed and overwritten rows are equally trusted: the larger spike is the wipe). With one, the anomaly nearest
    /// to it wins, whichever signal shows it (trust breaks ties): the operator knows roughly when, and an ordinary
    /// spike of a more trusted signal an hour away is not what they are asking about.
    /// </summary>
    private static AnomalyWindow? Find(ScenarioKind scenario, IReadOnlyList<ActivitySeries> series, TimeSpan step, DateTimeOffset? around,
        Func<ActivitySignal, bool, List<ActivityPoint>, TimeSpan, DateTimeOffset?, AnomalyWindow?> detect)
    {
        AnomalyWindow? best = null;
        var bestDistance = TimeSpan.MaxValue;
        foreach (var tier in Tiers(scenario))
        {
            var found = tier
                .Select(s => (s.Signal, Total: Total([.. series.Where(x => x.Signal == s.Signal)]), s.LevelShift))
                .Where(s => s.Total.Count > 0)
                .Select(s => detect(s.Signal, s.LevelShift, s.Total, step, around) is { } w ? w with { Explanation = $"{Describe(s.Signal)}: {w.Explanation}" } : null)
                .OfType<AnomalyWindow>()
                .ToList();
            if (found.Count == 0)
            {
                continue;
            }

            if (around is not { } hint)
            {
                return found.MaxBy(w => w.Score);
            }

            // Within a tier, the stronger of two anomalies equally near wins.
            foreach (var window in found.OrderByDescending(w => w.Score))
            {
                var distance = Distance(window, hint);
                if (distance < bestDistance)
                {
                    (best, bestDistance) = (window, distance);
                }
            }
        }

        return best;
    }

    private static TimeSpan Distance(AnomalyWindow window, DateTimeOffset hint) =>
        hint < window.Start ? window.Start - hint : hint > window.End ? hint - window.End : TimeSpan.Zero;

    private static AnomalyWindow? Anomaly(ActivitySignal signal, bool levelShift, List<ActivityPoint> total, TimeSpan step, DateTimeOffset? around) =>
        levelShift ? ActivityWindow.LevelShift(total, step, robust: signal == ActivitySignal.Latency) : ActivityWindow.Spike(total, step, around);

    /// <summary>
    /// When nothing spikes: an event that is rare in its series stands out by being there at all (one guild deleted in
    /// an hour, one refused DELETE). Only for signals of destruction and refusal, where one event is news; never for
    /// the traffic's rates.
    /// </summary>
    private static AnomalyWindow? Rare(ActivitySignal signal, bool levelShift, List<ActivityPoint> total, TimeSpan step, DateTimeOffset? around) =>
        !levelShift && signal is ActivitySignal.RowsRemoved or ActivitySignal.RowsOverwritten or ActivitySignal.DatabaseRefusals or ActivitySignal.SignInFailures
            ? ActivityWindow.Rare(total, step, around)
            : null;

    public static string Describe(ActivitySignal signal) => signal switch
    {
        ActivitySignal.RowsRemoved => "Rows removed",
        ActivitySignal.RowsChanged => "Rows inserted or updated",
        ActivitySignal.RowsOverwritten => "Rows overwritten (UPDATE)",
        ActivitySignal.Requests => "Requests",
        ActivitySignal.Errors => "Errors",
        ActivitySignal.Latency => "Request time (p95, ms)",
        ActivitySignal.SignInFailures => $"Failed sign-ins (each point: the last {ActivityQueries.SignInFailureBuckets} buckets)",
        ActivitySignal.DatabaseRefusals => "Refused by PostgreSQL",
        _ => signal.ToString(),
    };

    /// <summary>Per scenario, the signals that point at its window, in tiers of trust; signals of one tier are equally trusted.</summary>
    private static IEnumerable<(ActivitySignal Signal, bool LevelShift)[]> Tiers(ScenarioKind scenario) => scenario switch
    {
        ScenarioKind.Wipe =>
        [
            [(ActivitySignal.RowsRemoved, false), (ActivitySignal.RowsOverwritten, false)], [(ActivitySignal.DatabaseRefusals, false)], [(ActivitySignal.Errors, false)],
        ],
        ScenarioKind.SuspiciousAccount =>
        [
            [(ActivitySignal.RowsRemoved, false)], [(ActivitySignal.SignInFailures, false)], [(ActivitySignal.RowsChanged, false)], [(ActivitySignal.Requests, false)],
        ],
        ScenarioKind.SlowApi => [[(ActivitySignal.Latency, true)], [(ActivitySignal.Latency, false)], [(ActivitySignal.Errors, false)]],
        ScenarioKind.ErrorSpike => [[(ActivitySignal.Errors, false)], [(ActivitySignal.Errors, true)]],
        _ =>
        [
            [(ActivitySignal.RowsRemoved, false), (ActivitySignal.RowsOverwritten, false)], [(ActivitySignal.DatabaseRefusals, false)], [(ActivitySignal.Errors, false)],
            [(ActivitySignal.RowsChanged, false)], [(ActivitySignal.Requests, false)],
        ],
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
