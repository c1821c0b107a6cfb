using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.Security;

/// <summary>
/// Server-side sessions: the sign-in cookie carries a random key, the ticket stays in <c>auth_sessions</c>. Signing out
/// deletes the row, so the cookie is dead everywhere at once, including copies taken before (a self-contained ticket
/// would stay valid until it expired). Tickets are read through a short cache: a session removed on another replica
/// stops working within <see cref="CacheFor"/>; one removed here, at once.
/// </summary>
public sealed class DatabaseTicketStore(IDbContextFactory<AppDbContext> dbFactory, IDataProtectionProvider protection, TimeProvider time) : ITicketStore
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private const int MaxCached = 10_000;

    private readonly IDataProtector _protector = protection.CreateProtector("TovPlay.Logs.AuthSessions");
    private readonly ConcurrentDictionary<string, (AuthenticationTicket Ticket, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync();

        // Sign-ins are rare: each clears the sessions that have run out.
        await db.AuthSessions.Where(s => s.ExpiresAt < now).ExecuteDeleteAsync();
        db.AuthSessions.Add(new AuthSession
        {
            Key = key,
            UserId = ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier),
            Ticket = Protect(ticket),
            CreatedAt = now,
            ExpiresAt = ticket.Properties.ExpiresUtc,
        });
        await db.SaveChangesAsync();
        Remember(key, ticket);
        return key;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var protectedTicket = Protect(ticket);
        var updated = await db.AuthSessions.Where(s => s.Key == key).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.Ticket, protectedTicket)
            .SetProperty(x => x.ExpiresAt, ticket.Properties.ExpiresUtc));

        // A session signed out meanwhile stays signed out: renewing must not bring it back.
        if (updated > 0)
        {
            Remember(key, ticket);
        }
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && cached.Until > now)
        {
            return Live(cached.Ticket, now);
        }

        await using var db = await dbFactory.CreateDbContextAsync();
        var row = await db.AuthSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Key == key);
        var ticket = row is null ? null : Unprotect(row.Ticket);
        if (ticket is null)
        {
            _cache.TryRemove(key, out _);
            return null;
        }

        Remember(key, ticket);
        return Live(ticket, now);
    }

    public async Task RemoveAsync(string key)
    {
        _cache.TryRemove(key, out _);
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.AuthSessions.Where(s => s.Key == key).ExecuteDeleteAsync();
    }

    /// <summary>Ends every session of a user (an administrator locked or deleted the account).</summary>
    public async Task RemoveAllAsync(string userId)
    {
        foreach (var (key, entry) in _cache)
        {
            if (entry.Ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier) == userId)
            {
                _cache.TryRemove(key, out _);
            }
        }

        await using var db = await dbFactory.CreateDbContextAsync();
        await db.AuthSessions.Where(s => s.UserId == userId).ExecuteDeleteAsync();
    }

    private static AuthenticationTicket? Live(AuthenticationTicket ticket, DateTimeOffset now) =>
        ticket.Properties.ExpiresUtc is { } expires && expires < now ? null : ticket;

    private void Remember(string key, AuthenticationTicket ticket)
    {
        var now = time.GetUtcNow();
        if (_cache.Count >= MaxCached)
        {
            foreach (var (stale, entry) in _cache)
            {
                if (entry.Until <= now)
                {
                    _cache.TryRemove(stale, out _);
                }
            }
        }

        if (_cache.Count < MaxCached)
        {
            _cache[key] = (ticket, now + CacheFor);
        }
    }

    private byte[] Protect(AuthenticationTicket ticket) => _protector.Protect(TicketSerializer.Default.Serialize(ticket));

    private AuthenticationTicket? Unprotect(byte[] data)
    {
        try
        {
            return TicketSerializer.Default.Deserialize(_protector.Unprotect(data));
        }
        catch (CryptographicException)
        {
            // Protected with a key that is gone: the session cannot be trusted, so it does not exist.
            return null;
        }
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
