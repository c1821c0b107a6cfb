using TovPlay.Logs.Domain.Alerting;

namespace TovPlay.Logs.Domain.Tests.Alerting;

/// <summary>The alert instance's life on a fake clock: one evaluation every 10 s.</summary>
public sealed class AlertStateMachineTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Plays outcomes 10 s apart from the initial state; the states after each, and the transitions.</summary>
    private static (List<AlertState> States, List<AlertTransition> Transitions) Play(AlertTiming timing, params EvaluationOutcome[] outcomes)
    {
        var state = AlertInstanceState.Initial;
        var states = new List<AlertState>();
        var transitions = new List<AlertTransition>();
        for (var i = 0; i < outcomes.Length; i++)
        {
            (state, var transition) = AlertStateMachine.Next(state, outcomes[i], timing, s_t0.AddSeconds(10 * i), outcomes[i] == EvaluationOutcome.Error ? "timeout" : null);
            states.Add(state.State);
            if (transition is not null)
            {
                transitions.Add(transition);
            }
        }

        return (states, transitions);
    }

    private const EvaluationOutcome B = EvaluationOutcome.Breaching;
    private const EvaluationOutcome O = EvaluationOutcome.Ok;

    [Fact]
    public void ABreach_IsPendingForThePendingPeriod_ThenFires_AndResolvesWhenItStops()
    {
        var (states, transitions) = Play(new AlertTiming(TimeSpan.FromSeconds(20), TimeSpan.Zero), O, B, B, B, B, O);

        Assert.Equal([AlertState.Normal, AlertState.Pending, AlertState.Pending, AlertState.Firing, AlertState.Firing, AlertState.Normal], states);
        Assert.Equal([(AlertState.Normal, AlertState.Pending), (AlertState.Pending, AlertState.Firing), (AlertState.Firing, AlertState.Normal)],
            transitions.Select(t => (t.From, t.To)));
        Assert.Equal(s_t0.AddSeconds(30), transitions[1].At);
        Assert.True(transitions[2].Resolved);
        Assert.Equal([false, true, true], transitions.Select(t => t.Notifies));
    }

    [Fact]
    public void ABreachShorterThanThePendingPeriod_NeverFires_AndNotifiesNothing()
    {
        var (states, transitions) = Play(new AlertTiming(TimeSpan.FromSeconds(30), TimeSpan.Zero), B, B, O, B, O);

        Assert.DoesNotContain(AlertState.Firing, states);
        Assert.DoesNotContain(transitions, t => t.Notifies);
    }

    [Fact]
    public void WithoutAPendingPeriod_TheFirstBreachFires()
    {
        var (states, _) = Play(new AlertTiming(TimeSpan.Zero, TimeSpan.Zero), B);

        Assert.Equal([AlertState.Firing], states);
    }

    [Fact]
    public void KeepFiringFor_HoldsAFlappingAlertFiring_UntilItHasBeenQuietThatLong()
    {
        var (states, transitions) = Play(new AlertTiming(TimeSpan.Zero, TimeSpan.FromSeconds(25)), B, O, B, O, O, O);

        Assert.Equal([AlertState.Firing, AlertState.Firing, AlertState.Firing, AlertState.Firing, AlertState.Firing, AlertState.Normal], states);
        Assert.Single(transitions, t => t.Resolved);
        Assert.Equal(s_t0.AddSeconds(50), transitions.Single(t => t.Resolved).At);
    }

    [Theory]
    [InlineData(MissingResultHandling.OwnState, AlertState.NoData)]
    [InlineData(MissingResultHandling.Alerting, AlertState.Pending)]
    [InlineData(MissingResultHandling.Normal, AlertState.Normal)]
    [InlineData(MissingResultHandling.KeepLastState, AlertState.Pending)]
    public void NoData_IsHandledAsTheRuleSays(MissingResultHandling handling, AlertState expected)
    {
        var (states, _) = Play(new AlertTiming(TimeSpan.FromMinutes(1), TimeSpan.Zero, OnNoData: handling), B, EvaluationOutcome.NoData);

        Assert.Equal(expected, states[^1]);
    }

    [Fact]
    public void AnError_InItsOwnState_CarriesTheMessage_AndIsNotified()
    {
        var (states, transitions) = Play(new AlertTiming(TimeSpan.Zero, TimeSpan.Zero), B, EvaluationOutcome.Error, B);

        Assert.Equal([AlertState.Firing, AlertState.Error, AlertState.Firing], states);
        Assert.Equal("timeout", transitions[1].Error);
        Assert.True(transitions[1].Notifies);
    }

    [Fact]
    public void KeepLastState_OnError_LeavesAFiringAlertFiring_WithoutATransition()
    {
        var (states, transitions) = Play(new AlertTiming(TimeSpan.Zero, TimeSpan.Zero, OnError: MissingResultHandling.KeepLastState), B, EvaluationOutcome.Error, EvaluationOutcome.Error);

        Assert.Equal([AlertState.Firing, AlertState.Firing, AlertState.Firing], states);
        Assert.Single(transitions);
    }
}
