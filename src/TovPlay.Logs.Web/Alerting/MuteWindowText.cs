using TovPlay.Logs.Domain.Alerting;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>A mute window in Alertmanager's text forms, as stored and as the form edits it.</summary>
public sealed record MuteWindowText(string Times, string Weekdays, string DaysOfMonth, string Months, string Location)
{
    public MuteWindow ToWindow() => MuteWindow.Parse(Times, Weekdays, DaysOfMonth, Months, Location).Window
        ?? throw new FormatException("a stored mute window no longer reads");

    public static MuteWindowText From(MuteWindow window) =>
        new(window.TimesText, window.WeekdaysText, window.DaysOfMonthText, window.MonthsText, window.Location);
}
