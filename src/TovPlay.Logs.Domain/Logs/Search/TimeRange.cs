using System.Globalization;
using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.Logs.Search;

/// <summary>
/// A search window as an address holds it, Grafana's way: each end is <c>now</c>, <c>now-&lt;duration&gt;</c>
/// (LogQL units: 15m, 6h, 7d), Unix milliseconds, or an ISO 8601 time. Relative ends are resolved when the query
/// runs, so a shared "last 15 minutes" link means the last 15 minutes for whoever opens it.
/// </summary>
public sealed record TimeRange
{
    public const int MaxTextLength = 40;

    /// <summary>The longest window a search may cover: within Loki's default query length limit (721h).</summary>
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(30);

    public static readonly TimeRange LastHour = new("now-1h", "now");

    /// <summary>The relative windows the picker offers, with how it names them.</summary>
    public static readonly IReadOnlyList<(string From, string Label)> Presets =
    [
        ("now-5m", "Last 5 minutes"), ("now-15m", "Last 15 minutes"), ("now-30m", "Last 30 minutes"), ("now-1h", "Last 1 hour"),
        ("now-3h", "Last 3 hours"), ("now-6h", "Last 6 hours"), ("now-12h", "Last 12 hours"), ("now-24h", "Last 24 hours"),
        ("now-2d", "Last 2 days"), ("now-7d", "Last 7 days"), ("now-30d", "Last 30 days"),
    ];

    private TimeRange(string from, string to)
    {
        From = from;
        To = to;
    }

    public string From { get; }

    public string To { get; }

    public bool IsRelative => From.StartsWith("now", StringComparison.Ordinal) && To.StartsWith("now", StringComparison.Ordinal);

    /// <summary>A fixed window, kept to the millisecond (what a brushed chart or a clicked bar gives).</summary>
    public static TimeRange Absolute(DateTimeOffset start, DateTimeOffset end)
    {
        if (end <= start)
        {
            throw new ArgumentException("The end of a time range must be after its start.");
        }

        return new(start.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), end.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Reads both ends (missing ones from <paramref name="fallback"/>, else the last hour); on failure <paramref name="error"/> names the end and why.</summary>
    public static bool TryParse(string? from, string? to, out TimeRange range, out string? error, TimeSpan? maxSpan = null, TimeRange? fallback = null)
    {
        fallback ??= LastHour;
        var longest = maxSpan ?? MaxSpan;
        range = fallback;
        from = string.IsNullOrWhiteSpace(from) ? fallback.From : from.Trim();
        to = string.IsNullOrWhiteSpace(to) ? fallback.To : to.Trim();
        error = Check("From", from) ?? Check("To", to);
        if (error is not null)
        {
            return false;
        }

        var candidate = new TimeRange(from, to);
        var (start, end) = candidate.Resolve(DateTimeOffset.UnixEpoch.AddYears(60));
        if (end <= start)
        {
            error = "The time range ends before it starts.";
            return false;
        }

        if (end - start > longest)
        {
            error = $"The time range is longer than {longest.TotalDays:0} days.";
            return false;
        }

        range = candidate;
        return true;
    }

    /// <summary>
    /// For a range that is valid but longer than allowed: the longest allowed one that ends where it ends (relative
    /// when its end is, e.g. <c>now-30d</c> to <c>now</c>), to offer instead of changing it silently. Null otherwise.
    /// </summary>
    public static TimeRange? LongestEndingAt(string? from, string? to, TimeSpan? maxSpan = null)
    {
        var longest = maxSpan ?? MaxSpan;
        from = string.IsNullOrWhiteSpace(from) ? LastHour.From : from.Trim();
        to = string.IsNullOrWhiteSpace(to) ? LastHour.To : to.Trim();
        if ((Check("From", from) ?? Check("To", to)) is not null)
        {
            return null;
        }

        var reference = DateTimeOffset.UnixEpoch.AddYears(60);
        var (start, end) = new TimeRange(from, to).Resolve(reference);
        if (end <= start || end - start <= longest)
        {
            return null;
        }

        return to.StartsWith("now", StringComparison.Ordinal)
            ? new TimeRange("now-" + Duration(reference - end + longest), to)
            : Absolute(end - longest, end);
    }

    /// <summary>A span in the largest whole LogQL unit: 30d, 36h, 90m, 45s.</summary>
    private static string Duration(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerDay == 0 ? $"{span.Ticks / TimeSpan.TicksPerDay}d"
        : span.Ticks % TimeSpan.TicksPerHour == 0 ? $"{span.Ticks / TimeSpan.TicksPerHour}h"
        : span.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{span.Ticks / TimeSpan.TicksPerMinute}m"
        : $"{(long)span.TotalSeconds}s";

    public (DateTimeOffset Start, DateTimeOffset End) Resolve(DateTimeOffset now) => (Point(From, now), Point(To, now));

    /// <summary>How the picker names it: a preset's label, "Last 2h" for other relative ones, else both ends in UTC.</summary>
    public string Describe(DateTimeOffset now)
    {
        if (To == "now")
        {
            foreach (var (presetFrom, label) in Presets)
            {
                if (presetFrom == From)
                {
                    return label;
                }
            }

            if (From.StartsWith("now-", StringComparison.Ordinal))
            {
                return "Last " + InWords(From[4..]);
            }
        }

        return $"{UtcText.Millis(Point(From, now))} to {UtcText.Millis(Point(To, now))}";
    }

    /// <summary>"2h" as "2 hours", "1d" as "1 day"; other durations (1h30m) as written.</summary>
    private static string InWords(string duration)
    {
        var unit = duration.Length > 1 && duration[..^1].All(char.IsAsciiDigit) ? duration[^1] switch
        {
            's' => "second",
            'm' => "minute",
            'h' => "hour",
            'd' => "day",
            'w' => "week",
            _ => null,
        } : null;
        return unit is null ? duration : $"{duration[..^1]} {unit}{(duration[..^1] == "1" ? "" : "s")}";
    }

    private static string? Check(string end, string text)
    {
        if (text.Length > MaxTextLength)
        {
            return $"{end}: longer than {MaxTextLength} characters.";
        }

        return TryPoint(text, DateTimeOffset.UnixEpoch.AddYears(60), out _)
            ? null
            : $"{end}: '{text}' is not a time. Use now, now-15m (s, m, h, d, w), Unix milliseconds, or 2026-11-27T10:30:00Z.";
    }

    private static DateTimeOffset Point(string text, DateTimeOffset now) =>
        TryPoint(text, now, out var time) ? time : throw new InvalidOperationException($"'{text}' was checked as a time and is not one.");

    private static bool TryPoint(string text, DateTimeOffset now, out DateTimeOffset time)
    {
        time = default;
        if (text == "now")
        {
            time = now;
            return true;
        }

        if (text.StartsWith("now-", StringComparison.Ordinal))
        {
            if (LogQLDuration.TryParse(text[4..], out var ago) && ago.Nanoseconds > 0 && ago.ToTimeSpan() <= TimeSpan.FromDays(3650))
            {
                time = now - ago.ToTimeSpan();
                return true;
            }

            return false;
        }

        if (text.All(char.IsAsciiDigit) && text.Length is >= 1 and <= 15
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms <= 253402300799999)
        {
            time = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time)
               && text.Contains('T', StringComparison.Ordinal);
    }
}
