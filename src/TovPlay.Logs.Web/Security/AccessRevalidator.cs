using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Web.ApiKeys;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.Security;

/// <summary>
/// A stream (a hub tail, Loki's tail socket) is authorised once, when it opens, and may then run for hours. This asks
/// again, as the database sees the caller now: the key not revoked and still read-scoped; the user still there, not
/// locked, with the same security stamp and roles that still satisfy the policy.
/// </summary>
public sealed class AccessRevalidator(
    IServiceScopeFactory scopes,
    ApiKeyAuthenticator keys,
    IOptions<SecurityOptions> security,
    IOptions<IdentityOptions> identity,
    TimeProvider time,
    ILogger<AccessRevalidator> logger)
{
    /// <summary>Whether <paramref name="principal"/> would be let in to <paramref name="policy"/> now.</summary>
    public async Task<bool> StillAllowedAsync(ClaimsPrincipal principal, string policy, CancellationToken cancellationToken)
    {
        if (principal.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim) is { } keyId)
        {
            return await keys.StillValidAsync(keyId, cancellationToken) is { } current && await AuthorizeAsync(current, policy);
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.GetUserAsync(principal);
        if (user is null || await users.IsLockedOutAsync(user))
        {
            return false;
        }

        var stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        if (users.SupportsUserSecurityStamp && stamp != await users.GetSecurityStampAsync(user))
        {
            return false;
        }

        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<AppUser>>();
        return await AuthorizeAsync(await signIn.CreateUserPrincipalAsync(user), policy);
    }

    /// <summary>
    /// A token cancelled when access ends, checked every <see cref="SecurityOptions.RevalidationInterval"/> until
    /// <paramref name="cancellationToken"/> ends the watch. A check the database cannot answer keeps the stream.
    /// </summary>
    public AccessWatch Watch(ClaimsPrincipal principal, string policy, CancellationToken cancellationToken)
    {
        var watch = new AccessWatch(cancellationToken);
        _ = WatchAsync(principal, policy, watch);
        return watch;
    }

    private async Task WatchAsync(ClaimsPrincipal principal, string policy, AccessWatch watch)
    {
        var interval = security.Value.RevalidationInterval;

        // Taken once: the watch may be disposed while a check runs, and a disposed source has no token to give.
        var token = watch.Token;
        try
        {
            while (true)
            {
                await Task.Delay(interval, time, token);
                bool allowed;
                try
                {
                    allowed = await StillAllowedAsync(principal, policy, token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Could not re-check the access of {User}; the stream stays open until the next check", principal.Identity?.Name);
                    continue;
                }

                if (!allowed)
                {
                    logger.LogInformation("Access of {User} was revoked; closing the stream", principal.Identity?.Name);
                    watch.Revoke();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The stream ended first.
        }
    }

    private async Task<bool> AuthorizeAsync(ClaimsPrincipal principal, string policy)
    {
        await using var scope = scopes.CreateAsyncScope();
        var authorization = scope.ServiceProvider.GetRequiredService<IAuthorizationService>();
        return (await authorization.AuthorizeAsync(principal, policy)).Succeeded;
    }
}

/// <summary>The running check of one stream's access: <see cref="Token"/> ends with the stream or with the access.</summary>
public sealed class AccessWatch(CancellationToken stream) : IDisposable
{
    private readonly CancellationTokenSource _source = CancellationTokenSource.CreateLinkedTokenSource(stream);

    public CancellationToken Token => _source.Token;

    public bool Revoked { get; private set; }

    public const string Message = "access revoked: the credentials of this stream no longer allow reading logs";

    private int _disposed;

    internal void Revoke()
    {
        Revoked = true;
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream ended while its last check ran: nothing is left to stop.
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _source.Cancel();
            _source.Dispose();
        }
    }
}
