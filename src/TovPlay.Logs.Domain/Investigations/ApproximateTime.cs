using System.Globalization;
using System.Text.RegularExpressions;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>
/// "Around 10:30": what an operator knows when the boss calls. Reads a clock time (today, or yesterday when today's
/// is still ahead), "yesterday 22:15", a date and time, or an ISO 8601 instant, all in UTC unless an offset is given,
/// and opens a neighbourhood around it for the activity chart.
/// </summary>
public static partial class ApproximateTime
{
    public const int MaxTextLength = 40;

    /// <summary>How far either side of the given time the activity chart looks.</summary>
    public static readonly TimeSpan Neighbourhood = TimeSpan.FromHours(1);

    private static readonly string[] s_dateTimeFormats =
    [
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss",
    ];

    public static bool TryParse(string? text, DateTimeOffset now, out DateTimeOffset time, out string? error)
    {
        time = default;
        error = null;
        var input = (text ?? "").Trim();
        if (input.Length == 0)
        {
            error = "Give a time such as 10:30, yesterday 22:15 or 2026-11-27 10:30.";
            return false;
        }

        if (input.Length > MaxTextLength)
        {
            error = $"Longer than {MaxTextLength} characters.";
            return false;
        }

        input = Hedge().Replace(input, "");
        var yesterday = input.StartsWith("yesterday", StringComparison.OrdinalIgnoreCase);
        if (yesterday)
        {
            input = input["yesterday".Length..].Trim();
        }

        var today = now.UtcDateTime.Date;
        if (Clock().Match(input) is { Success: true } clock)
        {
            var hour = int.Parse(clock.Groups["h"].Value, CultureInfo.InvariantCulture);
            var minute = int.Parse(clock.Groups["m"].Value, CultureInfo.InvariantCulture);
            var second = clock.Groups["s"].Success ? int.Parse(clock.Groups["s"].Value, CultureInfo.InvariantCulture) : 0;
            if (hour > 23 || minute > 59 || second > 59)
            {
                error = $"{input} is not a time of day (hours 0-23, minutes and seconds 0-59).";
                return false;
            }

            var at = new DateTimeOffset(today.AddHours(hour).AddMinutes(minute).AddSeconds(second), TimeSpan.Zero);
            // "10:30" said at 09:00 means yesterday's 10:30: an incident is in the past.
            time = yesterday || at > now ? at.AddDays(-1) : at;
            return true;
        }

        if (!yesterday
            && (DateTimeOffset.TryParseExact(input, s_dateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time)
                || DateTimeOffset.TryParse(input, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time)))
        {
            time = time.ToUniversalTime();
            if (time > now)
            {
                error = "That time is still ahead; an incident is in the past.";
                return false;
            }

            return true;
        }

        error = $"Could not read \"{text!.Trim()}\" as a time: give 10:30, yesterday 22:15, 2026-11-27 10:30 or an ISO 8601 time (UTC unless an offset is given).";
        return false;
    }

    [GeneratedRegex(@"^(around|about|approx\.?|approximately|at|~)\s*", RegexOptions.IgnoreCase)]
    private static partial Regex Hedge();

    [GeneratedRegex(@"^(?<h>\d{1,2}):(?<m>\d{2})(:(?<s>\d{2}))?$")]
    private static partial Regex Clock();
}
