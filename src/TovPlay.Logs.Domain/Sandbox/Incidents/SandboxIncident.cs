using TovPlay.Logs.Domain.Investigations;

namespace TovPlay.Logs.Domain.Sandbox.Incidents;

/// <summary>How an incident's statement reaches the database.</summary>
public enum IncidentConnection
{
    /// <summary>The backend's own connection (role tovplay_app, from an application server), with its tovplay.* context.</summary>
    Backend,

    /// <summary>The background worker's service account (role tovplay_worker), from an application server.</summary>
    Worker,

    /// <summary>A person with psql, as the cluster's superuser, from an address that is not an application server.</summary>
    SuperuserPsql,

    /// <summary>A developer's desktop SQL client, as the developer's own role, from an address that is not an application server.</summary>
    DeveloperClient,

    /// <summary>Someone with the support team's read-only role, with psql, from an address that is not an application server.</summary>
    SupportPsql,
}

/// <summary>
/// SQL an incident runs. <paramref name="Destroys"/>, when given, is the table whose rows it destroys without reporting
/// them (a TRUNCATE or DROP TABLE reports none): they are counted from what the audit trail kept of it.
/// <paramref name="Refused"/>: the database is expected to refuse it for lack of privilege.
/// </summary>
public sealed record IncidentStatement(IncidentConnection Connection, string Sql, string? Destroys = null, bool Refused = false);

/// <summary>
/// One step of an incident. A step with a statement runs it when the incident is played and its lines are stamped
/// with the moment it ran; a step without one is stamped at <see cref="Offset"/> from the start of play (negative: before
/// it, as history). <see cref="Lines"/> gets the moment and the rows the statement touched.
/// </summary>
public sealed record IncidentStep(TimeSpan Offset, IncidentStatement? Statement, Func<DateTimeOffset, long?, IEnumerable<SandboxLine>> Lines)
{
    public static IncidentStep Log(TimeSpan offset, Func<DateTimeOffset, IEnumerable<SandboxLine>> lines) => new(offset, null, (at, _) => lines(at));

    public static IncidentStep Sql(IncidentStatement statement, Func<DateTimeOffset, long?, IEnumerable<SandboxLine>> lines) => new(TimeSpan.Zero, statement, lines);
}

/// <summary>What the investigation must find: the scenario and subject to ask, who or what caused it, the path, table and channel.</summary>
public sealed record IncidentExpectation(ScenarioKind Scenario, string? Subject, string Cause, string? Path, string? Table, ChannelKind? Channel);

/// <summary>
/// One statement as it ran: on which backend and from which client address (null: the server's local socket), from when
/// to when (a pooled connection runs other requests before and after), and the rows it touched (none when an earlier
/// incident left nothing to delete).
/// </summary>
public sealed record IncidentRun(int Pid, string? Address, DateTimeOffset From, DateTimeOffset To, long Rows)
{
    /// <summary>The database's refusal, for a statement it refused (then it changed nothing).</summary>
    public string? Refusal { get; init; }

    /// <summary>Whether an audited statement is this run's: same backend, inside its time.</summary>
    public bool Covers(Audit.AuditStatement statement) => statement.BackendPid == Pid && statement.StatementAt >= From && statement.StatementAt <= To;
}

/// <summary>What playing an incident did: when it started, each statement's run, and, told from them, the first one's facts and the rows in all.</summary>
public sealed record IncidentPlayback(DateTimeOffset Started, IReadOnlyList<IncidentRun> Runs)
{
    /// <summary>When its first statement ran (when it started, for an incident of log lines only).</summary>
    public DateTimeOffset At => Runs.Count > 0 ? Runs[0].From : Started;

    public string Address => Runs.FirstOrDefault()?.Address ?? "the database server's local socket";

    public int Pid => Runs.FirstOrDefault()?.Pid ?? 0;

    public long Rows => Runs.Sum(r => r.Rows);
}

/// <summary>
/// An incident the sandbox can play over its live traffic, for a newcomer to investigate and check against what really
/// happened. <see cref="Story"/> tells it with the facts of the playback (time, address, pid, rows).
/// </summary>
public sealed record SandboxIncident(
    string Slug, string Title, string Summary, IReadOnlyList<IncidentStep> Steps, IncidentExpectation Expected, Func<IncidentPlayback, string> Story)
{
    /// <summary>For a slow endpoint: the path, how long it stays slow after play, and how slow.</summary>
    public (string Path, TimeSpan For, double MinMs, double MaxMs)? SlowDown { get; init; }

    /// <summary>The wizard's address for this incident: its scenario, subject and the time it happened.</summary>
    public string InvestigationLink(IncidentPlayback playback)
    {
        var slug = Scenario.Of(Expected.Scenario).Slug;
        var query = new List<string>();
        if (Expected.Subject is { } subject)
        {
            query.Add("subject=" + Uri.EscapeDataString(subject));
        }

        query.Add("around=" + Uri.EscapeDataString(playback.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)));
        return $"investigate/{slug}?{string.Join("&", query)}";
    }
}
