using System.Globalization;

namespace TovPlay.Logs.Domain.Alerting;

/// <summary>A named set of recurring windows (Alertmanager's <c>time_intervals</c>); a policy that names it sends nothing inside them.</summary>
public sealed record MuteTiming(string Name, IReadOnlyList<MuteWindow> Windows)
{
    public bool IsActive(DateTimeOffset at) => Windows.Any(w => w.Contains(at));
}

/// <summary>
/// One recurring window: times of day, weekdays, days of the month (negative from the end), months, in a time zone.
/// A part left empty places no limit, as in Alertmanager; the text forms are Alertmanager's too
/// (<c>monday:friday</c>, <c>22:00-24:00</c>, <c>1:5, -1</c>, <c>january:march</c>).
/// </summary>
public sealed record MuteWindow
{
    private static readonly string[] s_weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
    private static readonly string[] s_months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    /// <summary>Minutes after midnight, start inclusive, end exclusive (1440 is midnight at the end).</summary>
    public IReadOnlyList<(int Start, int End)> Times { get; init; } = [];

    public IReadOnlyList<(DayOfWeek From, DayOfWeek To)> Weekdays { get; init; } = [];

    public IReadOnlyList<(int From, int To)> DaysOfMonth { get; init; } = [];

    public IReadOnlyList<(int From, int To)> Months { get; init; } = [];

    /// <summary>An IANA time zone; UTC when empty.</summary>
    public string Location { get; init; } = "UTC";

    public bool Contains(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, Zone(Location)).DateTime;
        var minute = (local.Hour * 60) + local.Minute;
        var lastDay = DateTime.DaysInMonth(local.Year, local.Month);
        return (Times.Count == 0 || Times.Any(t => minute >= t.Start && minute < t.End))
            && (Weekdays.Count == 0 || Weekdays.Any(w => InRange((int)local.DayOfWeek, (int)w.From, (int)w.To)))
            && (DaysOfMonth.Count == 0 || DaysOfMonth.Any(d => InRange(local.Day, Day(d.From, lastDay), Day(d.To, lastDay))))
            && (Months.Count == 0 || Months.Any(m => InRange(local.Month, m.From, m.To)));
    }

    private static bool InRange(int value, int from, int to) => value >= from && value <= to;

    private static int Day(int day, int lastDay) => day < 0 ? lastDay + day + 1 : day;

    private static TimeZoneInfo Zone(string id) => string.IsNullOrEmpty(id) || id == "UTC" ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(id);

    /// <summary>Reads a window from the form's texts; problems name the field.</summary>
    public static (MuteWindow? Window, IReadOnlyList<FieldProblem> Problems) Parse(string times, string weekdays, string daysOfMonth, string months, string location)
    {
        var problems = new List<FieldProblem>();
        var window = new MuteWindow
        {
            Times = Items(times).Select(t => TimeRange(t, problems)).ToList(),
            Weekdays = Items(weekdays).Select(w => Range(w, s_weekdays, 0, "Weekdays", problems)).Select(r => ((DayOfWeek)r.From, (DayOfWeek)r.To)).ToList(),
            DaysOfMonth = Items(daysOfMonth).Select(d => DayRange(d, problems)).ToList(),
            Months = Items(months).Select(m => Range(m, s_months, 1, "Months", problems)).ToList(),
            Location = string.IsNullOrWhiteSpace(location) ? "UTC" : location.Trim(),
        };
        if (window.Location != "UTC" && !TimeZoneInfo.TryFindSystemTimeZoneById(window.Location, out _))
        {
            problems.Add(new FieldProblem("Location", $"\"{window.Location}\" is not a time zone (use an IANA name such as Europe/Berlin)."));
        }

        return problems.Count == 0 ? (window, problems) : (null, problems);
    }

    public string TimesText => string.Join(", ", Times.Select(t => $"{Clock(t.Start)}-{Clock(t.End)}"));

    public string WeekdaysText => string.Join(", ", Weekdays.Select(w => w.From == w.To ? s_weekdays[(int)w.From] : $"{s_weekdays[(int)w.From]}:{s_weekdays[(int)w.To]}"));

    public string DaysOfMonthText => string.Join(", ", DaysOfMonth.Select(d => d.From == d.To ? Number(d.From) : $"{Number(d.From)}:{Number(d.To)}"));

    public string MonthsText => string.Join(", ", Months.Select(m => m.From == m.To ? s_months[m.From - 1] : $"{s_months[m.From - 1]}:{s_months[m.To - 1]}"));

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Clock(int minutes) => $"{minutes / 60:00}:{minutes % 60:00}";

    private static IEnumerable<string> Items(string text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static (int Start, int End) TimeRange(string text, List<FieldProblem> problems)
    {
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && Minutes(parts[0]) is { } start && Minutes(parts[1]) is { } end && start < end)
        {
            return (start, end);
        }

        problems.Add(new FieldProblem("Times", $"\"{text}\" is not a time range: write HH:MM-HH:MM with the start before the end (24:00 ends the day)."));
        return (0, 0);
    }

    private static int? Minutes(string clock)
    {
        var parts = clock.Split(':');
        return parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var h) && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            && m is >= 0 and < 60 && (h is >= 0 and < 24 || (h == 24 && m == 0)) ? (h * 60) + m : null;
    }

    private static (int From, int To) Range(string text, string[] names, int first, string field, List<FieldProblem> problems)
    {
        var parts = text.Split(':', StringSplitOptions.TrimEntries);
        int? Index(string word) => Array.IndexOf(names, word.ToLowerInvariant()) is >= 0 and var i ? i + first
            : int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= first && n < names.Length + first ? n : null;
        if (parts.Length is 1 or 2 && Index(parts[0]) is { } from && Index(parts[^1]) is { } to && from <= to)
        {
            return (from, to);
        }

        problems.Add(new FieldProblem(field, $"\"{text}\" is not a {field.ToLowerInvariant()[..^1]} or a range of them ({names[0]}:{names[^1]})."));
        return (first, first);
    }

    private static (int From, int To) DayRange(string text, List<FieldProblem> problems)
    {
        var parts = text.Split(':', StringSplitOptions.TrimEntries);
        static int? Day(string word) => int.TryParse(word, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d) && d is >= -31 and <= 31 && d != 0 ? d : null;
        if (parts.Length is 1 or 2 && Day(parts[0]) is { } from && Day(parts[^1]) is { } to && (Math.Sign(from) != Math.Sign(to) || from <= to))
        {
            return (from, to);
        }

        problems.Add(new FieldProblem("DaysOfMonth", $"\"{text}\" is not a day of the month (1 to 31, or -1 for the last) or a range of them."));
        return (1, 1);
    }
}
