namespace TovPlay.Logs.Web.Data;

/// <summary>How a rule's evaluations go, written by the evaluator apart from the rule so a save never races an evaluation.</summary>
public sealed class AlertRuleHealth
{
    public Guid RuleId { get; set; }

    public DateTimeOffset? LastEvaluatedAt { get; set; }

    public DateTimeOffset? NextEvaluationAt { get; set; }

    public double LastDurationMs { get; set; }

    /// <summary>How late the last evaluation started after its slot: the evaluator's backlog.</summary>
    public double LastLagMs { get; set; }

    /// <summary>The last evaluation's failure, or null when it succeeded.</summary>
    public string? LastError { get; set; }

    public long Evaluations { get; set; }
}
