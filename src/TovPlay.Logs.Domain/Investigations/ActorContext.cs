using System.Globalization;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>Whose history is asked: a database role or an application user, and the address they came from this time.</summary>
public sealed record Actor(ActorKind Kind, string Name, string? Address)
{
    public string Describe => Kind == ActorKind.DatabaseRole ? $"database role {Name}" : $"application user {Name}";
}

public enum ActorKind
{
    DatabaseRole,
    ApplicationUser,
}

/// <summary>One address an actor has used, how often and when last, before the incident.</summary>
public sealed record UsedAddress(string Address, long Statements, DateTimeOffset Last);

/// <summary>
/// What the audit trail says about an actor before the incident (over <see cref="LookbackDays"/>): the addresses it
/// used and when it was last seen at all. <paramref name="Query"/> and <paramref name="Snapshot"/> are the evidence.
/// </summary>
public sealed record ActorHistory(Actor Actor, int LookbackDays, IReadOnlyList<UsedAddress> Addresses, DateTimeOffset? LastSeen, string Query, string Snapshot)
{
    /// <summary>When the incident began: the lookback ends there.</summary>
    public DateTimeOffset Before { get; init; }

    /// <summary>When the audit trail began (its first install); the lookback cannot reach further back.</summary>
    public DateTimeOffset? TrailSince { get; init; }

    /// <summary>The trail's start, when it began within the lookback: the history it can tell is only that long.</summary>
    public DateTimeOffset? ShortTrail => TrailSince is { } since && Before - since < TimeSpan.FromDays(LookbackDays) ? since : null;
}

/// <summary>Something else the actor did around the incident: per table and action.</summary>
public sealed record OtherActivity(string Table, string Action, long Statements, long Rows);

/// <summary>
/// WHO in context: is this address new for this role or user, when were they last seen, what else did they do
/// around the incident. All direct evidence from the audit trail, with the lookback stated, since "never seen" only
/// means "not within the trail's memory".
/// </summary>
public static class ActorContext
{
    /// <summary>A trail younger than this holds too little to tell a first appearance from an actor that was simply quiet.</summary>
    public static readonly TimeSpan YoungTrail = TimeSpan.FromDays(1);

    public static IEnumerable<Finding> Describe(ActorHistory history, IReadOnlyList<OtherActivity> other, string otherQuery, DateTimeOffset now)
    {
        var actor = history.Actor;
        var evidence = new Evidence(EvidenceSource.AuditTrail, history.Query, history.Snapshot, now);
        // The trail may be younger than the lookback: every sentence claims only the history it holds.
        var period = history.ShortTrail is { } since
            ? $"since the audit trail began at {Clock(since)} ({Ago(history.Before - since)} before)"
            : $"in the {history.LookbackDays} days before";
        var lookback = history.ShortTrail is { } began ? $"the audit trail since it began at {Clock(began)}" : $"the audit trail's {history.LookbackDays} days before the incident";
        if (history.LastSeen is null)
        {
            yield return Finding.Direct(InvestigationStep.Who,
                $"The {actor.Describe} made no audited change {period}: "
                    + (history.ShortTrail is { } young && history.Before - young < YoungTrail ? "too little history to call it a first appearance" : "a first appearance"),
                $"{lookback}, searched for any statement by it", evidence);
        }
        else if (actor.Address is { } address)
        {
            var here = history.Addresses.FirstOrDefault(a => a.Address == address);
            var usual = string.Join(", ", history.Addresses.Where(a => a.Address != address).Take(3)
                .Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Address} ({a.Statements:N0}, last {Clock(a.Last)})")));
            yield return here is null
                ? Finding.Direct(InvestigationStep.Who,
                    $"{address} is a new address for the {actor.Describe}: none of its changes {period} came from it"
                        + (usual.Length > 0 ? $"; it usually came from {usual}" : ""),
                    $"{lookback}, grouped by client address", evidence)
                : Finding.Direct(InvestigationStep.Who,
                    string.Create(CultureInfo.InvariantCulture, $"{address} is a known address for the {actor.Describe}: {here.Statements:N0} change(s) from it {period}, the last at {Clock(here.Last)}"),
                    $"{lookback}, grouped by client address", evidence);
        }

        if (history.LastSeen is { } last)
        {
            yield return Finding.Direct(InvestigationStep.Who,
                $"The {actor.Describe} was last seen before the incident at {Clock(last)} ({Ago(now - last)} before this investigation)",
                $"{lookback}: its latest statement before the window", evidence);
        }

        if (other.Count > 0)
        {
            var list = string.Join("; ", other.Take(8).Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Action} on {o.Table} ({o.Statements:N0} statement(s), {o.Rows:N0} row(s))")));
            yield return Finding.Direct(InvestigationStep.Who,
                $"Around the incident the {actor.Describe}{(actor.Address is { } a ? $" from {a}" : "")} also did: {list}" + (other.Count > 8 ? $"; and {other.Count - 8} more" : ""),
                "the audit trail in the window and 15 minutes either side, without the incident's own transactions",
                new Evidence(EvidenceSource.AuditTrail, otherQuery, string.Join("\n", other.Select(o => $"{o.Table}\t{o.Action}\t{o.Statements}\t{o.Rows}")), now));
        }
    }

    private static string Clock(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Ago(TimeSpan span) => span.TotalDays >= 2 ? Whole(span.TotalDays) + " days"
        : span.TotalHours >= 2 ? Whole(span.TotalHours) + " hours"
        : Minutes(Math.Max(0, span.TotalMinutes));

    private static string Minutes(double minutes) => Whole(minutes) is "1" ? "1 minute" : Whole(minutes) + " minutes";

    private static string Whole(double value) => value.ToString("0", CultureInfo.InvariantCulture);
}
