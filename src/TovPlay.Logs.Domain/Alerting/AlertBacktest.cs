using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Alerting;

/// <summary>One evaluation replayed: what the query answered at that time (null with an error when it failed).</summary>
public sealed record BacktestStep(DateTimeOffset At, IReadOnlyList<AlertSample>? Samples, string? Error = null);

/// <summary>A state change an instance would have made, under its labels, with the value that caused it.</summary>
public sealed record BacktestChange(LabelSet Labels, AlertTransition Transition, double? Value);

/// <summary>
/// "Would it have fired?": the rule's state machine run over past answers. <see cref="Notifications"/> counts what
/// each instance would have sent (firing, resolved, no data, error, and a repeat each repeat interval while it stayed
/// firing); a policy grouping several instances would send fewer.
/// </summary>
public sealed record BacktestResult(IReadOnlyList<BacktestChange> Changes, int Notifications, int Evaluations)
{
    public int Firings => Changes.Count(c => c.Transition.To == AlertState.Firing);
}

public static class AlertBacktest
{
    public static BacktestResult Run(AlertRule rule, IReadOnlyList<BacktestStep> steps, TimeSpan repeatInterval)
    {
        var states = new Dictionary<LabelSet, AlertInstanceState>();
        var lastSent = new Dictionary<LabelSet, DateTimeOffset>();
        var changes = new List<BacktestChange>();
        var notifications = 0;
        foreach (var step in steps.OrderBy(s => s.At))
        {
            var known = states.Where(s => s.Value.State != AlertState.Normal).Select(s => s.Key).ToList();
            foreach (var outcome in AlertEvaluation.Outcomes(rule, step.Samples, step.Error, known))
            {
                var current = states.GetValueOrDefault(outcome.Labels, AlertInstanceState.Initial);
                var (next, transition) = AlertStateMachine.Next(current, outcome.Outcome, rule.Timing, step.At, outcome.Error);
                states[outcome.Labels] = next;
                if (transition is not null)
                {
                    changes.Add(new BacktestChange(outcome.Labels, transition, outcome.Value));
                    if (transition.Notifies)
                    {
                        notifications++;
                        lastSent[outcome.Labels] = step.At;
                    }
                }
                else if (AlertTransition.IsActive(next.State) && lastSent.TryGetValue(outcome.Labels, out var sent) && step.At - sent >= repeatInterval)
                {
                    notifications++;
                    lastSent[outcome.Labels] = step.At;
                }
            }
        }

        return new BacktestResult(changes, notifications, steps.Count);
    }
}
