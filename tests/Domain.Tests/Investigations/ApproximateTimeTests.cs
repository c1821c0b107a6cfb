using TovPlay.Logs.Domain.Investigations;

namespace TovPlay.Logs.Domain.Tests.Investigations;

public sealed class ApproximateTimeTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 27, 14, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("10:30", "2026-11-27T10:30:00Z")]
    [InlineData("around 10:30", "2026-11-27T10:30:00Z")]
    [InlineData("~ 9:05:30", "2026-11-27T09:05:30Z")]
    [InlineData("about 22:15", "2026-11-26T22:15:00Z")]
    [InlineData("yesterday 10:30", "2026-11-26T10:30:00Z")]
    [InlineData("2026-11-20 08:00", "2026-11-20T08:00:00Z")]
    [InlineData("2026-11-27T12:00:00+02:00", "2026-11-27T10:00:00Z")]
    public void TryParse_ReadsWhatAnOperatorSays_InUtc_AndNeverInTheFuture(string text, string expected)
    {
        Assert.True(ApproximateTime.TryParse(text, s_now, out var time, out var error), error);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), time);
    }

    [Theory]
    [InlineData("", "Give a time such as 10:30, yesterday 22:15 or 2026-11-27 10:30.")]
    [InlineData("25:00", "25:00 is not a time of day (hours 0-23, minutes and seconds 0-59).")]
    [InlineData("lunchtime", "Could not read \"lunchtime\" as a time: give 10:30, yesterday 22:15, 2026-11-27 10:30 or an ISO 8601 time (UTC unless an offset is given).")]
    [InlineData("2026-12-01 10:00", "That time is still ahead; an incident is in the past.")]
    [InlineData("yesterday 2026-11-20 10:00", "Could not read \"yesterday 2026-11-20 10:00\" as a time: give 10:30, yesterday 22:15, 2026-11-27 10:30 or an ISO 8601 time (UTC unless an offset is given).")]
    public void TryParse_SaysWhatIsWrong(string text, string expected)
    {
        Assert.False(ApproximateTime.TryParse(text, s_now, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryParse_RefusesOverlongText()
    {
        Assert.False(ApproximateTime.TryParse(new string('1', ApproximateTime.MaxTextLength + 1), s_now, out _, out var error));
        Assert.Equal($"Longer than {ApproximateTime.MaxTextLength} characters.", error);
    }
}
