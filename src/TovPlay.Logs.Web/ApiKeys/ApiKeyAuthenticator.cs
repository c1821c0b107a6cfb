using System.Collections.Concurrent;
using System.Security.Claims;
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
        var row = await RowAsync(keyId, cancellationToken);
        if (row is null || row.RevokedAt is not null || !ApiKeyToken.Matches(secret, row.SecretHash))
        {
            return null;
        }

        if (row.LastUsedAt is null || now - row.LastUsedAt > s_lastUsedResolution)
        {
            row.LastUsedAt = now;
            await TouchAsync(row.Id, now, cancellationToken);
        }

        return Identity(row);
    }

    private static ApiKeyIdentity Identity(ApiKey row) => new(row.Id, row.KeyId, row.Name, row.CanPush, row.CanRead, row.IngestionRateBytes);

    /// <summary>
    /// The key's row, cached for <see cref="CacheFor"/>. Ids that match no key are cached too (a client retrying a
    /// wrong key must not cost a query each time), but never more than <see cref="MaxCached"/> entries: random ids
    /// sent by a stranger cannot grow the cache without bound.
    /// </summary>
    private async Task<ApiKey?> RowAsync(string keyId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(keyId, out var cached) && cached.Until >= now)
        {
            return cached.Row;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.KeyId == keyId, cancellationToken);
        if (_cache.Count >= MaxCached)
        {
            foreach (var (id, entry) in _cache)
            {
                if (entry.Until < now)
                {
                    _cache.TryRemove(id, out _);
                }
            }
        }

        if (_cache.Count < MaxCached || row is not null)
        {
            _cache[keyId] = (row, now + CacheFor);
        }

        return row;
    }

    /// <summary>How many key rows (or known absences) are cached at most.</summary>
    public const int MaxCached = 10_000;

    /// <summary>How many entries the cache holds now.</summary>
    public int Cached => _cache.Count;

    public void Forget(string keyId) => _cache.TryRemove(keyId, out _);

    /// <summary>
    /// The principal of a key already verified, as its row says now (revoked or not, and its scopes), for a stream
    /// that outlives the request which opened it; null when the key is gone or revoked.
    /// </summary>
    public async Task<ClaimsPrincipal?> StillValidAsync(string keyId, CancellationToken cancellationToken)
    {
        var row = await RowAsync(keyId, cancellationToken);
        return row is null || row.RevokedAt is not null ? null : ApiKeyAuthenticationHandler.PrincipalOf(Identity(row));
    }

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
