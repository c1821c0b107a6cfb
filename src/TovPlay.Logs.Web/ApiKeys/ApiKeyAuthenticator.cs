using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.ApiKeys;

/// <summary>A verified key, as the request pipeline sees it.</summary>
public sealed record ApiKeyIdentity(Guid Id, string KeyId, string Name, bool CanPush, bool CanRead, int? IngestionRateBytes);

/// <summary>
/// Checks a presented key against its stored hash. Rows are cached for a few seconds, so a busy pusher does not cost
/// a database round trip per request; a revocation here takes effect at once, one made by another replica within
/// <see cref="CacheFor"/>.
/// </summary>
public sealed class ApiKeyAuthenticator(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time, ILogger<ApiKeyAuthenticator> logger)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_lastUsedResolution = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (ApiKey? Row, DateTimeOffset Until)> _cache = new();

    public async Task<ApiKeyIdentity?> VerifyAsync(string token, CancellationToken cancellationToken)
    {
        if (!ApiKeyToken.TryParse(token, out var keyId, out var secret))
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (!_cache.TryGetValue(keyId, out var cached) || cached.Until < now)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            cached = (await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.KeyId == keyId, cancellationToken), now + CacheFor);
            _cache[keyId] = cached;
        }

        var row = cached.Row;
        if (row is null || row.RevokedAt is not null || !ApiKeyToken.Matches(secret, row.SecretHash))
        {
            return null;
        }

        if (row.LastUsedAt is null || now - row.LastUsedAt > s_lastUsedResolution)
        {
            row.LastUsedAt = now;
            await TouchAsync(row.Id, now, cancellationToken);
        }

        return new ApiKeyIdentity(row.Id, row.KeyId, row.Name, row.CanPush, row.CanRead, row.IngestionRateBytes);
    }

    public void Forget(string keyId) => _cache.TryRemove(keyId, out _);

    private async Task TouchAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await db.ApiKeys.Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException or Npgsql.NpgsqlException)
        {
            // Last use is a convenience for admins; failing to record it must not refuse a valid key.
            logger.LogWarning(ex, "Could not record the last use of API key {KeyId}", id);
        }
    }
}
