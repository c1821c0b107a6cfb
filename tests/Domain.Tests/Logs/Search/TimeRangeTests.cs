using TovPlay.Logs.Domain.Logs.Search;

namespace TovPlay.Logs.Domain.Tests.Logs.Search;

public sealed class TimeRangeTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 27, 10, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("now-15m", "now", "2026-11-27T10:15:00Z", "2026-11-27T10:30:00Z")]
    [InlineData("now-2d", "now-1d", "2026-11-25T10:30:00Z", "2026-11-26T10:30:00Z")]
    [InlineData("1795771800000", "1795775400000", "2026-11-27T09:30:00Z", "2026-11-27T10:30:00Z")]
    [InlineData("2026-11-27T08:00:00Z", "2026-11-27T10:00:00+01:00", "2026-11-27T08:00:00Z", "2026-11-27T09:00:00Z")]
    public void TryParse_EachForm_ResolvesAgainstNow(string from, string to, string start, string end)
    {
        Assert.True(TimeRange.TryParse(from, to, out var range, out var none), none);

        var (s, e) = range.Resolve(s_now);
        Assert.Equal(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), s);
        Assert.Equal(DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture), e);
    }

    [Theory]
    [InlineData("now-15x", "now", "From: 'now-15x' is not a time.")]
    [InlineData("now-1h", "yesterday", "To: 'yesterday' is not a time.")]
    [InlineData("now", "now-1h", "The time range ends before it starts.")]
    [InlineData("now-31d", "now", "The time range is longer than 30 days.")]
    [InlineData("2026-11-27", "now", "From: '2026-11-27' is not a time.")]
    public void TryParse_Bad_SaysWhichEndAndWhy(string from, string to, string expected)
    {
        Assert.False(TimeRange.TryParse(from, to, out var range, out var error));

        Assert.StartsWith(expected, error);
        Assert.Same(TimeRange.LastHour, range);
    }

    [Fact]
    public void TryParse_Missing_IsTheLastHour()
    {
        Assert.True(TimeRange.TryParse(null, " ", out var range, out _));

        Assert.Equal(("now-1h", "now"), (range.From, range.To));
        Assert.True(range.IsRelative);
    }

    [Fact]
    public void TryParse_TooLong_IsRefusedBeforeParsing()
    {
        Assert.False(TimeRange.TryParse(new string('1', 41), "now", out _, out var error));

        Assert.Equal("From: longer than 40 characters.", error);
    }

    [Theory]
    [InlineData("now-400d", "now", "now-30d", "now")]
    [InlineData("now-400d", "now-1d", "now-31d", "now-1d")]
    [InlineData("now-800h", "now-2h", "now-722h", "now-2h")]
    [InlineData("2025-01-01T00:00:00Z", "2026-11-27T10:00:00Z", "1793181600000", "1795773600000")]
    public void LongestEndingAt_ARangeTooLong_OffersTheLongestAllowedEndingWhereItEnds(string from, string to, string offeredFrom, string offeredTo)
    {
        Assert.False(TimeRange.TryParse(from, to, out _, out var error));
        var offer = TimeRange.LongestEndingAt(from, to);

        Assert.Equal("The time range is longer than 30 days.", error);
        Assert.NotNull(offer);
        Assert.Equal((offeredFrom, offeredTo), (offer.From, offer.To));
        Assert.True(TimeRange.TryParse(offer.From, offer.To, out _, out _));
    }

    [Theory]
    [InlineData("now-1h", "now")]
    [InlineData("yesterday", "now")]
    [InlineData("now", "now-1h")]
    public void LongestEndingAt_ARangeThatIsNotTooLong_HasNoOffer(string from, string to) =>
        Assert.Null(TimeRange.LongestEndingAt(from, to));

    [Fact]
    public void Absolute_RoundTripsThroughTheAddressToTheMillisecond()
    {
        var start = new DateTimeOffset(2026, 11, 27, 10, 0, 0, 123, TimeSpan.Zero);
        var range = TimeRange.Absolute(start, start.AddMinutes(5));

        Assert.True(TimeRange.TryParse(range.From, range.To, out var parsed, out _));
        Assert.Equal((start, start.AddMinutes(5)), parsed.Resolve(s_now));
        Assert.False(parsed.IsRelative);
        Assert.Equal("2026-11-27 10:00:00.123 UTC to 2026-11-27 10:05:00.123 UTC", parsed.Describe(s_now));
    }

    [Fact]
    public void Absolute_EndNotAfterStart_Throws() =>
        Assert.Throws<ArgumentException>(() => TimeRange.Absolute(s_now, s_now));

    [Theory]
    [InlineData("now-15m", "Last 15 minutes")]
    [InlineData("now-90m", "Last 90 minutes")]
    [InlineData("now-2h", "Last 2 hours")]
    [InlineData("now-1d", "Last 1 day")]
    [InlineData("now-1h30m", "Last 1h30m")]
    public void Describe_Relative_NamesItLikeThePicker(string from, string expected)
    {
        TimeRange.TryParse(from, "now", out var range, out _);

        Assert.Equal(expected, range.Describe(s_now));
    }
}
