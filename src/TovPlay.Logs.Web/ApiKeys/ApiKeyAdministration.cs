using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.ApiKeys;

public sealed record ApiKeySummary(Guid Id, string Name, string KeyId, bool CanPush, bool CanRead, int? IngestionRateBytes, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

/// <summary>The outcome of creating a key; <see cref="Token"/> is shown once and never stored.</summary>
public sealed record ApiKeyCreated(ApiKeySummary Key, string Token);

/// <summary>Creates, lists and revokes API keys; every change lands in the app's audit trail.</summary>
public sealed class ApiKeyAdministration(IDbContextFactory<AppDbContext> dbFactory, ApiKeyAuthenticator authenticator, AppAuditLog audit, TimeProvider time)
{
    public const int MaxNameLength = 100;

    public async Task<IReadOnlyList<ApiKeySummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var keys = await db.ApiKeys.AsNoTracking().ToListAsync(cancellationToken);
        return [.. keys.OrderBy(k => k.RevokedAt.HasValue).ThenBy(k => k.Name, StringComparer.OrdinalIgnoreCase).Select(Summary)];
    }

    public async Task<ApiKeyCreated> CreateAsync(ClaimsPrincipal actor, string name, bool canPush, bool canRead, int? ingestionRateBytes, CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (name.Length is 0 or > MaxNameLength)
        {
            throw new ArgumentException($"The name must have 1 to {MaxNameLength} characters.", nameof(name));
        }

        if (!canPush && !canRead)
        {
            throw new ArgumentException("A key needs at least one scope: push or read.", nameof(canPush));
        }

        if (ingestionRateBytes is <= 0)
        {
            throw new ArgumentException("The ingestion rate must be a positive number of bytes per second.", nameof(ingestionRateBytes));
        }

        var (keyId, secret, token) = ApiKeyToken.Generate();
        var key = new ApiKey
        {
            Id = Guid.NewGuid(),
            Name = name,
            KeyId = keyId,
            SecretHash = ApiKeyToken.Hash(secret),
            CanPush = canPush,
            CanRead = canRead,
            IngestionRateBytes = ingestionRateBytes,
            CreatedAt = time.GetUtcNow(),
            CreatedBy = actor.Identity?.Name ?? AppAuditEntry.System,
        };
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.ApiKeys.Add(key);
            await db.SaveChangesAsync(cancellationToken);
        }

        var scopes = string.Join("+", new[] { canPush ? "push" : null, canRead ? "read" : null }.OfType<string>());
        await audit.WriteAsync(AppAuditEntry.By(actor, AppAuditActions.ApiKeyCreated, $"{name} ({keyId})", details: $"scopes {scopes}"), cancellationToken);
        return new ApiKeyCreated(Summary(key), token);
    }

    public async Task<bool> RevokeAsync(ClaimsPrincipal actor, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null || key.RevokedAt is not null)
        {
            return false;
        }

        key.RevokedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        authenticator.Forget(key.KeyId);
        await audit.WriteAsync(AppAuditEntry.By(actor, AppAuditActions.ApiKeyRevoked, $"{key.Name} ({key.KeyId})"), cancellationToken);
        return true;
    }

    private static ApiKeySummary Summary(ApiKey k) =>
        new(k.Id, k.Name, k.KeyId, k.CanPush, k.CanRead, k.IngestionRateBytes, k.CreatedAt, k.CreatedBy, k.RevokedAt, k.LastUsedAt);
}
