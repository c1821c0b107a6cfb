using TovPlay.Logs.Domain.Investigations;

namespace TovPlay.Logs.Domain.Tests.Investigations;

public sealed class ActivityWindowTests
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_minute = TimeSpan.FromMinutes(1);

    private static List<ActivityPoint> Series(params double[] values) => [.. values.Select((v, i) => new ActivityPoint(s_start.AddMinutes(i), v))];

    [Fact]
    public void Spike_IsTheRunOfBucketsFarAboveTheMedian_ExplainedInOneSentence()
    {
        var series = Series(3, 4, 2, 3, 5, 3, 4, 180, 240, 3, 2, 4, 3);

        var window = ActivityWindow.Spike(series, s_minute)!;

        Assert.Equal((s_start.AddMinutes(7), s_start.AddMinutes(9)), (window.Start, window.End));
        Assert.Equal(240, window.Peak);
        Assert.Equal(3, window.Baseline);
        Assert.StartsWith("From 2026-11-27 10:07:00 to 2026-11-27 10:09:00 UTC activity reached 240 per minute, against a usual 3 (robust z-score ", window.Explanation);
    }

    [Fact]
    public void SeveralSpikes_TheOneNearestTheOperatorsTimeWins_ElseTheHighest()
    {
        var series = Series(2, 2, 90, 2, 2, 2, 2, 2, 40, 2, 2, 2);

        Assert.Equal(s_start.AddMinutes(2), ActivityWindow.Spike(series, s_minute)!.Start);
        Assert.Equal(s_start.AddMinutes(8), ActivityWindow.Spike(series, s_minute, around: s_start.AddMinutes(9).AddSeconds(30))!.Start);
    }

    [Fact]
    public void NoSpike_InOrdinaryNoise_OrAQuietSeries_IsNull()
    {
        Assert.Null(ActivityWindow.Spike(Series(30, 34, 28, 31, 36, 29, 33, 30, 27, 35), s_minute));
        Assert.Null(ActivityWindow.Spike(Series(0, 0, 0, 1, 0, 0, 0, 0), s_minute));
        Assert.Null(ActivityWindow.Spike(Series(5, 900), s_minute));
    }

    [Fact]
    public void LevelShift_FindsWhereTheLevelRoseAndStayed()
    {
        var series = Series(120, 130, 118, 125, 122, 128, 410, 395, 420, 405, 398);

        var window = ActivityWindow.LevelShift(series, s_minute)!;

        Assert.Equal(s_start.AddMinutes(6), window.Start);
        Assert.Equal(s_start.AddMinutes(11), window.End);
        Assert.InRange(window.Score, 3.1, 3.4);
        Assert.Contains("rose from 123.83 to 405.6 per minute", window.Explanation);
    }

    [Fact]
    public void LevelShift_WithOneWildBucketAtTheEnd_IsStillFound_AtItsTypicalLevel()
    {
        // A request-time series whose last, partial minute holds a few requests slowed by a loaded machine.
        var series = Series(80, 78, 84, 77, 79, 82, 600, 640, 590, 655, 620, 3771);

        Assert.Null(ActivityWindow.LevelShift(series, s_minute));
        var window = ActivityWindow.LevelShift(series, s_minute, robust: true)!;

        Assert.Equal(s_start.AddMinutes(6), window.Start);
        Assert.Contains("rose from 79.5 to 630 per minute", window.Explanation);
    }

    [Fact]
    public void LevelShift_NotClearEnough_IsNull()
    {
        Assert.Null(ActivityWindow.LevelShift(Series(120, 130, 118, 125, 122, 128, 140, 135, 138, 142), s_minute));
        // Mostly nothing (an error count with one burst): no level, before or after, is not a shift, either way.
        Assert.Null(ActivityWindow.LevelShift(Series(0, 0, 0, 1, 0, 0, 9, 12, 0, 0, 0, 0), s_minute));
        Assert.Null(ActivityWindow.LevelShift(Series(0, 0, 0, 1, 0, 0, 9, 12, 0, 0, 0, 0), s_minute, robust: true));
    }
}
