using System.Net;

namespace TovPlay.Logs.Web.Data;

/// <summary>
/// One row of the app's own audit trail (who signed in, who changed which user or setting).
/// The table is append-only: a database trigger refuses UPDATE, DELETE and TRUNCATE.
/// </summary>
public sealed class AppAuditEvent
{
    public long Id { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>The user name of whoever acted, or "anonymous" / "system".</summary>
    public required string Actor { get; set; }

    public string? ActorId { get; set; }

    public required string Action { get; set; }

    /// <summary>What was acted upon: a user name, a role, a setting key.</summary>
    public string? Target { get; set; }

    public bool Succeeded { get; set; }

    /// <summary>Free text for a person to read; never a secret.</summary>
    public string? Details { get; set; }

    public IPAddress? ClientIp { get; set; }

    public string? CorrelationId { get; set; }

    public string? TraceId { get; set; }
}
