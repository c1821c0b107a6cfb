using Microsoft.AspNetCore.Identity;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.Security;

public enum SignInOutcome
{
    Succeeded,
    Failed,
    LockedOut,
}

public sealed record SignInAttempt(SignInOutcome Outcome, DateTimeOffset? LockedUntil = null);

/// <summary>Signs in with a password; the Login page depends on this seam so its form can be tested alone.</summary>
public interface IPasswordSignIn
{
    Task<SignInAttempt> SignInAsync(string email, string password, bool remember);
}

/// <summary>Password sign-in with lockout, every attempt written to the audit trail.</summary>
public sealed class PasswordSignIn(SignInManager<AppUser> signIn, UserManager<AppUser> users, AppAuditLog audit) : IPasswordSignIn
{
    public async Task<SignInAttempt> SignInAsync(string email, string password, bool remember)
    {
        email = email.Trim();
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            // Same answer and same audit shape as a wrong password: the page must not reveal which accounts exist.
            await audit.WriteAsync(new AppAuditEntry(AppAuditActions.SignInFailed, email, null, email, false, "unknown account"));
            return new SignInAttempt(SignInOutcome.Failed);
        }

        var result = await signIn.PasswordSignInAsync(user, password, remember, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            user.LastSignInAt = DateTimeOffset.UtcNow;
            await users.UpdateAsync(user);
            await audit.WriteAsync(new AppAuditEntry(AppAuditActions.SignInSucceeded, email, user.Id, email, true));
            return new SignInAttempt(SignInOutcome.Succeeded);
        }

        if (result.IsLockedOut)
        {
            var until = await users.GetLockoutEndDateAsync(user);
            await audit.WriteAsync(new AppAuditEntry(AppAuditActions.SignInLockedOut, email, user.Id, email, false,
                until == DateTimeOffset.MaxValue ? "locked by an admin" : $"locked until {until:u}"));
            return new SignInAttempt(SignInOutcome.LockedOut, until);
        }

        await audit.WriteAsync(new AppAuditEntry(AppAuditActions.SignInFailed, email, user.Id, email, false,
            $"wrong password ({user.AccessFailedCount} in a row)"));
        return new SignInAttempt(SignInOutcome.Failed);
    }
}
