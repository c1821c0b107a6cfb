using TovPlay.Logs.Domain.Investigations;

namespace TovPlay.Logs.Domain.Demo;

/// <summary>The incidents the demo plays, as the issue names them (a) to (e).</summary>
public enum DemoIncidentKind
{
    /// <summary>(a) A signed-in user deletes many rows through the API.</summary>
    ApiMassDelete,

    /// <summary>(b) A direct psql TRUNCATE from an address that is not an application server.</summary>
    DirectTruncate,

    /// <summary>(c) An account takeover: sign-in from a new address, password change, then deletes.</summary>
    AccountTakeover,

    /// <summary>(d) An endpoint slow since a deploy.</summary>
    SlowAfterDeploy,

    /// <summary>(e) A burst of one error.</summary>
    ErrorSpike,
}

/// <summary>How a statement reaches the database: as the backend does (its role, its tovplay.* context), or around it.</summary>
public enum DemoConnection
{
    Application,
    Direct,
}

/// <summary>A log line to push: when (relative to its phase's moment), which stream, and the JSON line.</summary>
public sealed record DemoLine(TimeSpan Offset, string Job, string Level, string Line);

/// <summary>SQL the demo runs; <c>{pid}</c> in later lines becomes the backend pid of the connection that ran it.</summary>
public sealed record DemoStatement(DemoConnection Connection, string Sql);

/// <summary>
/// What the investigation of the incident must find: the scenario and subject to ask, and the answers. <see cref="Cause"/>
/// is who did it (a user, a database role) or what set it off (the deploy, the error type).
/// </summary>
public sealed record DemoExpectation(ScenarioKind Scenario, string? Subject, string Cause, string? Path, string? Table, long? Rows, ChannelKind? Channel);

/// <summary>
/// One incident to play. <see cref="Seed"/> first (the data it will destroy), then <see cref="History"/> lines
/// (relative to the start of play, in the past), then <see cref="Statements"/> in order, then <see cref="Aftermath"/>
/// lines (relative to when the statements finished: a request's lines sit around its SQL).
/// </summary>
public sealed record DemoIncident(
    DemoIncidentKind Kind, string Title, IReadOnlyList<DemoStatement> Seed, IReadOnlyList<DemoLine> History,
    IReadOnlyList<DemoStatement> Statements, IReadOnlyList<DemoLine> Aftermath, DemoExpectation Expected);
