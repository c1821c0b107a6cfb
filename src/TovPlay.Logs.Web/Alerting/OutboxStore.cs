using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>Where a queued message stands.</summary>
public enum DeliveryState
{
    Sent,
    Queued,
    Retrying,
    Dead,
}

/// <summary>The notifications as sent or waiting, and the dead letters an Admin can send again.</summary>
public sealed class OutboxStore(IDbContextFactory<AppDbContext> db, AlertingSignals signals, AppAuditLog audit, TimeProvider time)
{
    public const int MaxListed = 300;

    public static DeliveryState StateOf(OutboxMessage message) =>
        message.SentAt is not null ? DeliveryState.Sent : message.DeadAt is not null ? DeliveryState.Dead : message.Attempts > 0 ? DeliveryState.Retrying : DeliveryState.Queued;

    public async Task<IReadOnlyList<OutboxMessage>> ListAsync(bool deadOnly, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var query = context.Outbox.AsNoTracking();
        if (deadOnly)
        {
            query = query.Where(m => m.DeadAt != null);
        }

        return await query.OrderByDescending(m => m.Id).Take(MaxListed).ToListAsync(cancellationToken);
    }

    /// <summary>Sends a dead letter again, from its first attempt.</summary>
    public async Task<bool> RetryAsync(long id, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var message = await context.Outbox.SingleOrDefaultAsync(m => m.Id == id && m.DeadAt != null, cancellationToken);
        if (message is null)
        {
            return false;
        }

        message.DeadAt = null;
        message.Attempts = 0;
        message.ClaimedUntil = null;
        message.NextAttemptAt = time.GetUtcNow();
        await context.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.DeadLetterRetried, message.Receiver, details: message.Title), cancellationToken);
        signals.OutboxChanged.Raise();
        return true;
    }
}
