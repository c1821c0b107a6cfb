using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.Alerting;

public sealed class SilenceAndMuteTimingTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero); // a Monday

    [Fact]
    public void ASilence_MutesMatchingAlerts_OnlyWhileActive()
    {
        var silence = new AlertSilence(Guid.NewGuid(), [AlertMatcher.Parse("alertname=\"Wipe\""), AlertMatcher.Parse("table=~\"users|games\"")],
            s_t0, s_t0.AddHours(1), "restoring", "ops@tovplay.org");
        var users = LabelSet.From(("alertname", "Wipe"), ("table", "users"));

        Assert.Equal(SilenceState.Pending, silence.StateAt(s_t0.AddSeconds(-1)));
        Assert.False(silence.Mutes(users, s_t0.AddSeconds(-1)));
        Assert.True(silence.Mutes(users, s_t0.AddMinutes(30)));
        Assert.False(silence.Mutes(LabelSet.From(("alertname", "Wipe"), ("table", "scores")), s_t0.AddMinutes(30)));
        Assert.False(silence.Mutes(users, s_t0.AddHours(1)));
        Assert.Equal(SilenceState.Expired, silence.StateAt(s_t0.AddHours(1)));
    }

    [Fact]
    public void ASilenceThatWouldMuteEverything_OrHasNoReason_OrEndsBeforeItStarts_IsRefusedByField()
    {
        var problems = AlertSilence.Problems([AlertMatcher.Parse("team=~\".*\"")], s_t0, s_t0.AddHours(-1), " ", s_t0);

        Assert.Equal(["Matchers", "EndsAt", "Comment"], problems.Select(p => p.Field));
    }

    [Theory]
    [InlineData("alertname=\"Wipe\"", "alertname", AlertMatchType.Equal, "Wipe")]
    [InlineData("team =~ \"db|data\"", "team", AlertMatchType.Regex, "db|data")]
    [InlineData("severity!=info", "severity", AlertMatchType.NotEqual, "info")]
    [InlineData("route!~\"/api/\\\\w+\"", "route", AlertMatchType.NotRegex, "/api/\\w+")]
    public void MatchersRead_AsAlertmanagerWritesThem(string text, string name, AlertMatchType type, string value)
    {
        var matcher = AlertMatcher.Parse(text);

        Assert.Equal((name, type, value), (matcher.Name, matcher.Type, matcher.Value));
        Assert.Equal(matcher.ToString(), AlertMatcher.Parse(matcher.ToString()).ToString());
    }

    [Theory]
    [InlineData("no operator")]
    [InlineData("1x=\"a\"")]
    [InlineData("a=~\"(\"")]
    [InlineData("alertname=\"Boom\"everity=\"critical\"")]
    [InlineData("a=\"x\\q\"")]
    [InlineData("a=\"\\u12\"")]
    public void ABadMatcher_SaysWhy(string text) => Assert.Throws<FormatException>(() => AlertMatcher.Parse(text));

    [Fact]
    public void AMuteTiming_HoldsInsideItsWeeklyWindow_InItsTimeZone()
    {
        var (window, problems) = MuteWindow.Parse("22:00-24:00, 00:00-06:00", "monday:friday", "", "", "Europe/Berlin");
        Assert.Empty(problems);
        var nights = new MuteTiming("nights", [window!]);

        // 10:00 UTC on Monday is 11:00 in Berlin: outside; 21:30 UTC is 22:30 there: inside; Saturday night is not a weekday.
        Assert.False(nights.IsActive(s_t0));
        Assert.True(nights.IsActive(s_t0.AddHours(11.5)));
        Assert.False(nights.IsActive(s_t0.AddDays(5).AddHours(11.5)));
        Assert.Equal("22:00-24:00, 00:00-06:00", window!.TimesText);
        Assert.Equal("monday:friday", window.WeekdaysText);
    }

    [Fact]
    public void DaysOfMonthCountFromTheEnd_AndMonthsByName()
    {
        var (window, _) = MuteWindow.Parse("", "", "-1", "february:march", "");

        Assert.True(window!.Contains(new DateTimeOffset(2026, 2, 28, 12, 0, 0, TimeSpan.Zero)));
        Assert.False(window.Contains(new DateTimeOffset(2026, 2, 27, 12, 0, 0, TimeSpan.Zero)));
        Assert.False(window.Contains(new DateTimeOffset(2026, 4, 30, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void ABadWindow_NamesEachField()
    {
        var (window, problems) = MuteWindow.Parse("25:00-26:00", "funday", "0", "smarch", "Mars/Olympus");

        Assert.Null(window);
        Assert.Equal(["Times", "Weekdays", "DaysOfMonth", "Months", "Location"], problems.Select(p => p.Field));
    }
}
