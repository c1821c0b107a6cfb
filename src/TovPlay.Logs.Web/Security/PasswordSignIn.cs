using Microsoft.AspNetCore.Identity;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.Security;

public enum SignInOutcome
{
    Succeeded,
    Failed,

    /// <summary>Only ever told to someone who gave the right password: a locked account is otherwise a wrong password.</summary>
    LockedOut,

    /// <summary>Too many failures: <see cref="SignInAttempt.RetryAfter"/> says when to try again.</summary>
    Throttled,
}

public sealed record SignInAttempt(SignInOutcome Outcome, TimeSpan? RetryAfter = null);

/// <summary>Signs in with a password; the Login page depends on this seam so its form can be tested alone.</summary>
public interface IPasswordSignIn
{
    Task<SignInAttempt> SignInAsync(string email, string password, bool remember);
}

/// <summary>
/// Password sign-in, every attempt written to the audit trail. Failures slow further attempts down
/// (<see cref="SignInThrottle"/>) instead of locking the account. An unknown account, a wrong password and a
/// locked account with a wrong password all get the same answer after the same work (a password hash is checked
/// in each case), so neither the text nor the time tells a stranger which accounts exist.
/// </summary>
public sealed class PasswordSignIn(
    SignInManager<AppUser> signIn,
    UserManager<AppUser> users,
    AppAuditLog audit,
    SignInThrottle throttle,
    KnownDevice devices,
    RequestOrigin origin,
    IHttpContextAccessor http,
    TimeProvider time) : IPasswordSignIn
{
    private static string? s_unknownAccountHash;

    public async Task<SignInAttempt> SignInAsync(string email, string password, bool remember)
    {
        email = email.Trim();
        var address = origin.ClientIp;
        var user = await users.FindByEmailAsync(email);
        var wait = throttle.Wait(address, email, user is not null && devices.Knows(http.HttpContext, user.Id));
        if (wait > TimeSpan.Zero)
        {
            await audit.WriteAsync(new AppAuditEntry(AppAuditActions.SignInThrottled, email, user?.Id, email, false,
                $"too many failed sign-ins; {Math.Ceiling(wait.TotalSeconds):0} s to wait"));
            return new SignInAttempt(SignInOutcome.Throttled, wait);
        }

        if (user is null)
        {
            // The same hashing work as a real account's check, against a hash nobody's password matches.
            s_unknownAccountHash ??= users.PasswordHasher.HashPassword(new AppUser(), Guid.NewGuid().ToString("N"));
            users.PasswordHasher.VerifyHashedPassword(new AppUser(), s_unknownAccountHash, password);
            throttle.Failed(address, email);
            await audit.WriteAsync(new AppAuditEntry(AppAuditActions.SignInFailed, email, null, email, false, "unknown account"));
            return new SignInAttempt(SignInOutcome.Failed);
        }

        if (!await users.CheckPasswordAsync(user, password))
        {
            throttle.Failed(address, email);
            user.AccessFailedCount++;
            await users.UpdateAsync(user);
            await audit.WriteAsync(new AppAuditEntry(AppAuditActions.SignInFailed, email, user.Id, email, false,
                $"wrong password ({user.AccessFailedCount} in a row)" + (await users.IsLockedOutAsync(user) ? "; the account is locked" : "")));
            return new SignInAttempt(SignInOutcome.Failed);
        }

        if (await users.IsLockedOutAsync(user))
        {
            await audit.WriteAsync(new AppAuditEntry(AppAuditActions.SignInLockedOut, email, user.Id, email, false, "locked by an admin"));
            return new SignInAttempt(SignInOutcome.LockedOut);
        }

        throttle.Succeeded(address, email);
        user.AccessFailedCount = 0;
        user.LastSignInAt = time.GetUtcNow();
        await users.UpdateAsync(user);
        await signIn.SignInAsync(user, remember);
        devices.Remember(http.HttpContext, user.Id);
        await audit.WriteAsync(new AppAuditEntry(AppAuditActions.SignInSucceeded, email, user.Id, email, true));
        return new SignInAttempt(SignInOutcome.Succeeded);
    }
}
