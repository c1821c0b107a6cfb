namespace TovPlay.Logs.Web.Data;

/// <summary>An alert rule as stored; <c>AlertRuleMapping</c> turns it into the Domain's rule and back.</summary>
public sealed class AlertRuleRecord
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public required string Folder { get; set; }

    public required string GroupName { get; set; }

    public required string Source { get; set; }

    public required string Query { get; set; }

    /// <summary>&gt;, &gt;=, &lt;, &lt;=, ==, != or null for the query's own comparison.</summary>
    public string? ThresholdOperator { get; set; }

    public double? ThresholdValue { get; set; }

    public int IntervalSeconds { get; set; }

    public int PendingSeconds { get; set; }

    public int KeepFiringSeconds { get; set; }

    public required string OnNoData { get; set; }

    public required string OnError { get; set; }

    /// <summary>JSON object of label names to values.</summary>
    public required string Labels { get; set; }

    /// <summary>JSON object of annotation names to templates.</summary>
    public required string Annotations { get; set; }

    public bool Paused { get; set; }

    public string? BuiltIn { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }

    /// <summary>PostgreSQL's row version: two Admins saving the same rule cannot overwrite each other unseen.</summary>
    public uint Version { get; set; }
}
