namespace TovPlay.Logs.Domain.Alerting;

/// <summary>Where one alert instance (one output series of a rule) stands.</summary>
public enum AlertState
{
    Normal,
    Pending,
    Firing,
    NoData,
    Error,
}

/// <summary>What one evaluation said of an instance.</summary>
public enum EvaluationOutcome
{
    /// <summary>The condition held.</summary>
    Breaching,

    /// <summary>The condition did not hold.</summary>
    Ok,

    /// <summary>The query returned nothing for the instance.</summary>
    NoData,

    /// <summary>The query failed.</summary>
    Error,
}

/// <summary>What a rule does when its query returns nothing, or fails (Grafana's choices).</summary>
public enum MissingResultHandling
{
    /// <summary>The instance goes to its own state (NoData or Error), notified as such.</summary>
    OwnState,

    /// <summary>As if the condition held: pending, then firing.</summary>
    Alerting,

    /// <summary>As if the condition did not hold.</summary>
    Normal,

    /// <summary>The instance stays as it was.</summary>
    KeepLastState,
}

/// <summary>The timing of a rule: how long a breach must last before it fires, and how long firing outlasts it.</summary>
public sealed record AlertTiming(TimeSpan PendingFor, TimeSpan KeepFiringFor, MissingResultHandling OnNoData = MissingResultHandling.OwnState,
    MissingResultHandling OnError = MissingResultHandling.OwnState);

/// <summary>
/// One instance's state: since when it has been breaching (<see cref="ActiveSince"/>), firing, and when it last
/// breached (what keep-firing-for counts from).
/// </summary>
public sealed record AlertInstanceState(AlertState State, DateTimeOffset? ActiveSince = null, DateTimeOffset? FiringSince = null,
    DateTimeOffset? LastBreach = null, string? Error = null)
{
    public static AlertInstanceState Initial { get; } = new(AlertState.Normal);
}

/// <summary>A change of state worth a record in the history; <see cref="Resolved"/> when a notified state (firing, no data, error) ended.</summary>
public sealed record AlertTransition(AlertState From, AlertState To, DateTimeOffset At, string? Error = null)
{
    public bool Resolved => From is AlertState.Firing or AlertState.NoData or AlertState.Error && To == AlertState.Normal;

    /// <summary>States that are sent as firing alerts: the condition, or the rule's own trouble.</summary>
    public static bool IsActive(AlertState state) => state is AlertState.Firing or AlertState.NoData or AlertState.Error;

    /// <summary>A change that is notified (firing, resolved, no data, error); pending and back are not.</summary>
    public bool Notifies => To is AlertState.Firing or AlertState.NoData or AlertState.Error || Resolved;
}

/// <summary>
/// The life of an alert instance as Grafana-managed alerting has it: Normal → Pending (the condition holds) → Firing
/// (it held for the pending period) → Normal again (resolved), once it has stopped holding for the keep-firing period;
/// NoData and Error by the rule's choice. Pure: the evaluator gives it the outcome and the time.
/// </summary>
public static class AlertStateMachine
{
    public static (AlertInstanceState State, AlertTransition? Transition) Next(
        AlertInstanceState current, EvaluationOutcome outcome, AlertTiming timing, DateTimeOffset at, string? error = null)
    {
        var handling = outcome switch
        {
            EvaluationOutcome.NoData => timing.OnNoData,
            EvaluationOutcome.Error => timing.OnError,
            _ => (MissingResultHandling?)null,
        };
        var next = handling switch
        {
            MissingResultHandling.KeepLastState => current,
            MissingResultHandling.Alerting => Breaching(current, timing, at),
            MissingResultHandling.Normal => Clear(current, timing, at),
            MissingResultHandling.OwnState => new AlertInstanceState(outcome == EvaluationOutcome.NoData ? AlertState.NoData : AlertState.Error,
                Error: outcome == EvaluationOutcome.Error ? error : null),
            _ => outcome == EvaluationOutcome.Breaching ? Breaching(current, timing, at) : Clear(current, timing, at),
        };

        return (next, next.State == current.State ? null : new AlertTransition(current.State, next.State, at, next.Error));
    }

    private static AlertInstanceState Breaching(AlertInstanceState current, AlertTiming timing, DateTimeOffset at)
    {
        if (current.State == AlertState.Firing)
        {
            return current with { LastBreach = at };
        }

        var since = current.State == AlertState.Pending ? current.ActiveSince!.Value : at;
        return at - since >= timing.PendingFor
            ? new AlertInstanceState(AlertState.Firing, since, at, at)
            : new AlertInstanceState(AlertState.Pending, since, LastBreach: at);
    }

    private static AlertInstanceState Clear(AlertInstanceState current, AlertTiming timing, DateTimeOffset at) =>
        current.State == AlertState.Firing && current.LastBreach is { } last && at - last < timing.KeepFiringFor
            ? current
            : AlertInstanceState.Initial;
}
