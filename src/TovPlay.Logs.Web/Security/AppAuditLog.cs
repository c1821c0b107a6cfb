using System.Diagnostics;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.Security;

/// <summary>What happened, as the caller knows it; <see cref="AppAuditLog"/> adds when, where from and the ids.</summary>
public sealed record AppAuditEntry(string Action, string Actor, string? ActorId, string? Target, bool Succeeded, string? Details = null)
{
    public const string Anonymous = "anonymous";
    public const string System = "system";

    public static AppAuditEntry By(ClaimsPrincipal user, string action, string? target, bool succeeded = true, string? details = null) =>
        new(action, user.Identity?.Name ?? Anonymous, user.FindFirstValue(ClaimTypes.NameIdentifier), target, succeeded, details);
}

/// <summary>Writes the app's own append-only audit trail, and mirrors each entry to the log.</summary>
public sealed class AppAuditLog(IDbContextFactory<AppDbContext> dbFactory, RequestOrigin origin, ILogger<AppAuditLog> logger)
{
    public async Task WriteAsync(AppAuditEntry entry, CancellationToken cancellationToken = default)
    {
        var row = new AppAuditEvent
        {
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = Truncate(entry.Actor, 256)!,
            ActorId = entry.ActorId,
            Action = entry.Action,
            Target = Truncate(entry.Target, 256),
            Succeeded = entry.Succeeded,
            Details = Truncate(entry.Details, 2000),
            ClientIp = origin.ClientIp,
            CorrelationId = origin.NewOrCurrentCorrelationId(),
            TraceId = Activity.Current?.TraceId.ToString(),
        };

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.AuditEvents.Add(row);
        await db.SaveChangesAsync(cancellationToken);

        logger.LogInformation(
            "Audit {action:l} by {actor:l} on {target:l}: {outcome:l} (correlation {audit_correlation_id:l})",
            row.Action, row.Actor, row.Target, row.Succeeded ? "succeeded" : "failed", row.CorrelationId);
    }

    private static string? Truncate(string? value, int max) => value is { Length: > 0 } && value.Length > max ? value[..max] : value;
}
