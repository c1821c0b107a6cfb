namespace TovPlay.Logs.Web.Data;

/// <summary>
/// One alert: an output series of a rule (or an alert received from an external Alertmanager-speaking ruler), its
/// state, and what a notification needs to say about it.
/// </summary>
public sealed class AlertInstanceRecord
{
    public long Id { get; set; }

    /// <summary>Null for an alert received from outside.</summary>
    public Guid? RuleId { get; set; }

    /// <summary>"rule" or "external".</summary>
    public required string Origin { get; set; }

    public required string Fingerprint { get; set; }

    /// <summary>JSON object of the alert's labels.</summary>
    public required string Labels { get; set; }

    /// <summary>JSON object of the rendered annotations.</summary>
    public required string Annotations { get; set; }

    public required string State { get; set; }

    public DateTimeOffset? ActiveSince { get; set; }

    public DateTimeOffset? FiringSince { get; set; }

    public DateTimeOffset? LastBreach { get; set; }

    /// <summary>When it last became active (firing, no data or error): Alertmanager's startsAt.</summary>
    public DateTimeOffset? StartsAt { get; set; }

    /// <summary>When it last stopped being active: Alertmanager's endsAt; null while active.</summary>
    public DateTimeOffset? EndsAt { get; set; }

    public double? Value { get; set; }

    public string? Error { get; set; }

    /// <summary>JSON array of up to five log lines that matched when it fired.</summary>
    public string? LogLines { get; set; }

    public string? GeneratorUrl { get; set; }

    public DateTimeOffset? LastEvaluatedAt { get; set; }

    /// <summary>For an alert received from outside: the end its sender announced; it resolves when that passes without news.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
