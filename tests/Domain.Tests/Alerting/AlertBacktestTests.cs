using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.Alerting;

public sealed class AlertBacktestTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ABurst_GoesPendingThenFiringThenResolves_AndCountsTheNotificationsIncludingRepeats()
    {
        var rule = new AlertRule
        {
            Name = "Errors",
            Query = "sum(count_over_time({job=\"tovplay-backend\"} |= \"error\" [1m]))",
            Threshold = new AlertThreshold(AlertComparator.Above, 10),
            Interval = TimeSpan.FromMinutes(1),
            PendingFor = TimeSpan.FromMinutes(2),
        };
        // Minute by minute: quiet, then 20 errors a minute for 6 minutes, then quiet (no series).
        var steps = Enumerable.Range(0, 12).Select(i => new BacktestStep(s_t0.AddMinutes(i),
            i is >= 2 and < 8 ? [new AlertSample(LabelSet.Empty, 20)] : [])).ToList();

        var result = AlertBacktest.Run(rule, steps, repeatInterval: TimeSpan.FromMinutes(3));

        var path = result.Changes.Select(c => (c.Transition.To, c.Transition.At)).ToList();
        Assert.Equal([(AlertState.Pending, s_t0.AddMinutes(2)), (AlertState.Firing, s_t0.AddMinutes(4)), (AlertState.Normal, s_t0.AddMinutes(8))], path);
        // Firing at 4, a repeat at 7, resolved at 8.
        Assert.Equal(3, result.Notifications);
        Assert.Equal(1, result.Firings);
    }

    [Fact]
    public void AFailingQuery_IsAnErrorInstance_ThatResolvesWhenItAnswersAgain()
    {
        var rule = new AlertRule { Name = "Db", Query = "x", Source = AlertDataSource.Sql, Threshold = new AlertThreshold(AlertComparator.Above, 1) };
        var steps = new[]
        {
            new BacktestStep(s_t0, [new AlertSample(LabelSet.Empty, 0)]),
            new BacktestStep(s_t0.AddMinutes(1), null, "timeout"),
            new BacktestStep(s_t0.AddMinutes(2), [new AlertSample(LabelSet.Empty, 0)]),
        };

        var result = AlertBacktest.Run(rule, steps, TimeSpan.FromHours(4));

        Assert.Equal([AlertState.Error, AlertState.Normal], result.Changes.Select(c => c.Transition.To));
        Assert.Equal("timeout", result.Changes[0].Transition.Error);
        Assert.Equal(2, result.Notifications);
    }
}
