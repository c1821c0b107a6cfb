using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>The wizard's steps, in the order an operator walks them.</summary>
public enum InvestigationStep
{
    When,
    What,
    Who,
    Why,
    Prevent,
    Recover,
}

/// <summary>How a finding was established: seen directly in a record, or joined by inference (with a confidence).</summary>
public enum FindingBasis
{
    /// <summary>An audit row or a log line says so.</summary>
    Direct,

    /// <summary>Joined by circumstance (time, user, path): likely, not proven.</summary>
    Inferred,
}

/// <summary>
/// Where evidence comes from, by the names the report uses. A copy of one source in another (the audit trail shipped
/// to the log store) is still the first: it never corroborates it.
/// </summary>
public static class EvidenceSource
{
    public const string AuditTrail = "audit trail";
    public const string ApplicationLog = "application log";
    public const string PostgresLog = "PostgreSQL log";

    /// <summary>The audited database's catalog as it is now: roles, memberships, owners.</summary>
    public const string Catalog = "database catalog";

    /// <summary>Attached to a log line's evidence; the line is the source.</summary>
    public const string StackTrace = "stack trace";

    /// <summary>The name of a source as the report says it, reports saved before the names included.</summary>
    public static string Name(string source) => source switch
    {
        "audit" => AuditTrail,
        "logs" => ApplicationLog,
        _ => source,
    };
}

/// <summary>What a finding rests on: the query that was run, and what it returned then (so the report stands after retention).</summary>
public sealed record Evidence(string Source, string Query, string Snapshot, DateTimeOffset TakenAt)
{
    /// <summary>An audited statement as evidence: the row that names it, and the row itself as shipped.</summary>
    public static Evidence Of(AuditStatement statement, DateTimeOffset now) =>
        new(EvidenceSource.AuditTrail, $"SELECT * FROM tovplay_audit.statements WHERE id = {statement.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}", AuditLogLine.Line(statement), now);
}

/// <summary>
/// One answer of the investigation, never a bare claim: what was found, how (direct or inferred, with the join used and
/// a confidence for an inference), and the evidence behind it.
/// </summary>
public sealed record Finding(InvestigationStep Step, string Statement, FindingBasis Basis, string How, IReadOnlyList<Evidence> Evidence)
{
    /// <summary>The trace behind a log-line finding, for the trace viewer's link.</summary>
    public string? TraceId { get; init; }

    /// <summary>The request's correlation id, for the request timeline's link.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>1 for direct evidence; for an inference, how sure the join is (0 to 1).</summary>
    public double Confidence { get; init; } = 1;

    public static Finding Direct(InvestigationStep step, string statement, string how, params Evidence[] evidence) =>
        new(step, statement, FindingBasis.Direct, how, evidence);

    public static Finding Inferred(InvestigationStep step, string statement, string how, double confidence, params Evidence[] evidence)
    {
        if (confidence is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "An inference is neither certain nor impossible: between 0 and 1.");
        }

        return new(step, statement, FindingBasis.Inferred, how, evidence) { Confidence = confidence };
    }

    /// <summary>The sources the finding rests on, in the order of its evidence: "audit trail", "application log and PostgreSQL log".</summary>
    public string Source
    {
        get
        {
            var names = Evidence.Select(e => EvidenceSource.Name(e.Source)).Where(n => n != EvidenceSource.StackTrace).Distinct().ToList();
            return names.Count == 0 ? "no record" : string.Join(" and ", names);
        }
    }

    /// <summary>How the report labels it, source first: "audit trail · direct evidence" or "inference from application log (70% confidence)".</summary>
    public string BasisLabel => Basis == FindingBasis.Direct
        ? $"{Source} · direct evidence"
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"inference{(Evidence.Count > 0 ? " from " + Source : "")} ({Confidence * 100:0}% confidence)");
}

/// <summary>Something the investigation could not establish, and why (audit not installed, triggers disabled, retention passed...).</summary>
public sealed record Unknown(InvestigationStep Step, string What, string Why);
