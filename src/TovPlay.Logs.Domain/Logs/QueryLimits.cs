using System.Globalization;
using System.Text;

namespace TovPlay.Logs.Domain.Logs;

/// <summary>
/// The limits a query must respect, with Loki 2.8's defaults and its texts when one is broken, so the embedded store
/// and a real Loki refuse the same requests in the same words.
/// </summary>
public sealed record QueryLimits
{
    public int MaxEntriesPerQuery { get; init; } = 5000;

    public TimeSpan MaxQueryLength { get; init; } = TimeSpan.FromHours(721);

    public int MaxPointsPerSeries { get; init; } = 11_000;

    public int MaxSeries { get; init; } = 500;

    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How large the query text itself may be.</summary>
    public LogQL.Parsing.ParseLimits Parse { get; init; } = LogQL.Parsing.ParseLimits.Default;

    /// <summary>Why a request is refused, or null. Times in Unix nanoseconds.</summary>
    public string? Check(long startNs, long endNs, int limit, long? stepNs, bool isMetric)
    {
        if (endNs < startNs)
        {
            return "end timestamp must not be before or equal to start time";
        }

        if (limit > MaxEntriesPerQuery)
        {
            return $"max entries limit per query exceeded, limit > max_entries_limit ({limit} > {MaxEntriesPerQuery})";
        }

        if (limit < 0)
        {
            return "limit must be a positive value";
        }

        var length = TimeSpan.FromTicks((endNs - startNs) / 100);
        if (length > MaxQueryLength)
        {
            return $"the query time range exceeds the limit (query length: {GoDuration(length)}, limit: {GoDuration(MaxQueryLength)})";
        }

        if (isMetric && stepNs is { } step)
        {
            if (step <= 0)
            {
                return "zero or negative query resolution step widths are not accepted. Try a positive integer";
            }

            if ((endNs - startNs) / step > MaxPointsPerSeries)
            {
                return $"exceeded maximum resolution of {MaxPointsPerSeries.ToString("N0", CultureInfo.InvariantCulture)} points per timeseries. Try decreasing the query resolution (?step=XX)";
            }
        }

        return null;
    }

    public string TooManySeries => $"maximum of series ({MaxSeries}) reached for a single query";

    public const string TimeoutMessage =
        "request timed out, decrease the duration of the request or add more label matchers (prefer exact match over regex match) to reduce the amount of data processed";

    /// <summary>Loki's default step: the range split in 250, at least one second.</summary>
    public static long DefaultStepNs(long startNs, long endNs) => Math.Max((endNs - startNs) / 250 / 1_000_000_000, 1) * 1_000_000_000;

    /// <summary>A duration as Go prints it: <c>744h0m0s</c>, <c>1m30s</c>, <c>1.5s</c>, <c>0s</c>.</summary>
    public static string GoDuration(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        if (duration < TimeSpan.Zero)
        {
            sb.Append('-');
            duration = duration.Negate();
        }

        if (duration < TimeSpan.FromSeconds(1))
        {
            var ms = duration.TotalMilliseconds;
            return sb.Append(ms >= 1 ? $"{ms.ToString("0.######", CultureInfo.InvariantCulture)}ms" : $"{(duration.Ticks / 10.0).ToString("0.###", CultureInfo.InvariantCulture)}µs").ToString();
        }

        var hours = (long)duration.TotalHours;
        var seconds = duration.TotalSeconds - hours * 3600 - duration.Minutes * 60;
        if (hours > 0)
        {
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || duration.Minutes > 0)
        {
            sb.Append(duration.Minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        return sb.Append(seconds.ToString("0.#########", CultureInfo.InvariantCulture)).Append('s').ToString();
    }
}
