using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.Security;

/// <summary>The outcome of an account change; <see cref="GeneratedPassword"/> is shown once and never stored.</summary>
public sealed record UserChangeResult(bool Succeeded, string Message, string? GeneratedPassword = null)
{
    public static UserChangeResult Fail(string message) => new(false, message);

    public static UserChangeResult Fail(IdentityResult result) =>
        new(false, string.Join(" ", result.Errors.Select(e => e.Description)));
}

public sealed record UserSummary(string Id, string Email, IReadOnlyList<string> Roles, bool LockedOut, DateTimeOffset? LockoutEnd, int FailedSignIns, DateTimeOffset CreatedAt, DateTimeOffset? LastSignInAt);

/// <summary>
/// Every change to accounts and roles goes through here, from the Admin page and from the CLI alike,
/// so each is checked the same way and lands in the audit trail.
/// </summary>
public sealed class UserAdministration(UserManager<AppUser> users, RoleManager<IdentityRole> roles, AppAuditLog audit, DatabaseTicketStore sessions)
{
    public async Task EnsureRolesAsync()
    {
        foreach (var role in AppRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                var created = await roles.CreateAsync(new IdentityRole(role));
                if (!created.Succeeded)
                {
                    throw new InvalidOperationException($"Could not create role {role}: {UserChangeResult.Fail(created).Message}");
                }
            }
        }
    }

    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var all = await users.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(cancellationToken);
        var result = new List<UserSummary>(all.Count);
        foreach (var u in all)
        {
            var userRoles = await users.GetRolesAsync(u);
            var locked = u.LockoutEnd is { } end && end > DateTimeOffset.UtcNow;
            result.Add(new UserSummary(u.Id, u.Email ?? u.UserName ?? u.Id, [.. userRoles.Order()], locked, u.LockoutEnd, u.AccessFailedCount, u.CreatedAt, u.LastSignInAt));
        }

        return result;
    }

    public async Task<bool> AnyAdminAsync() => (await users.GetUsersInRoleAsync(AppRoles.Admin)).Count > 0;

    /// <param name="password">Null generates one, returned once in the result.</param>
    public async Task<UserChangeResult> CreateAsync(ClaimsPrincipal actor, string email, string role, string? password)
    {
        email = email.Trim();
        if (AccountEmail.Problem(email) is { } problem)
        {
            return UserChangeResult.Fail(problem);
        }

        var canonicalRole = AppRoles.Normalize(role);
        if (canonicalRole is null)
        {
            return UserChangeResult.Fail($"Unknown role '{role}'. Use one of: {string.Join(", ", AppRoles.All)}.");
        }

        if (await users.FindByEmailAsync(email) is not null)
        {
            return UserChangeResult.Fail($"A user with the email {email} already exists.");
        }

        var generated = password is null ? PasswordGenerator.Generate() : null;
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
        var created = await users.CreateAsync(user, password ?? generated!);
        if (!created.Succeeded)
        {
            return UserChangeResult.Fail(created);
        }

        var granted = await users.AddToRoleAsync(user, canonicalRole);
        if (!granted.Succeeded)
        {
            await users.DeleteAsync(user);
            return UserChangeResult.Fail(granted);
        }

        await audit.WriteAsync(AppAuditEntry.By(actor, AppAuditActions.UserCreated, email, details: $"role {canonicalRole}"));
        return new UserChangeResult(true, $"Created {email} as {canonicalRole}.", generated);
    }

    /// <summary>Replaces the user's roles with exactly <paramref name="wanted"/>.</summary>
    public async Task<UserChangeResult> SetRolesAsync(ClaimsPrincipal actor, string userId, IReadOnlyCollection<string> wanted)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return UserChangeResult.Fail("That user no longer exists.");
        }

        var unknown = wanted.Where(r => !AppRoles.IsKnown(r)).ToList();
        if (unknown.Count > 0)
        {
            return UserChangeResult.Fail($"Unknown role(s): {string.Join(", ", unknown)}.");
        }

        var current = await users.GetRolesAsync(user);
        var toRemove = current.Except(wanted).ToList();
        var toAdd = wanted.Except(current).ToList();
        if (toRemove.Contains(AppRoles.Admin) && await IsLastAdminAsync(user))
        {
            return UserChangeResult.Fail("This is the last admin; make someone else an admin first.");
        }

        if (toRemove.Count > 0)
        {
            var removed = await users.RemoveFromRolesAsync(user, toRemove);
            if (!removed.Succeeded)
            {
                return UserChangeResult.Fail(removed);
            }
        }

        if (toAdd.Count > 0)
        {
            var added = await users.AddToRolesAsync(user, toAdd);
            if (!added.Succeeded)
            {
                return UserChangeResult.Fail(added);
            }
        }

        // A new stamp makes open sessions of that user re-read their roles at the next revalidation.
        await users.UpdateSecurityStampAsync(user);
        foreach (var role in toAdd)
        {
            await audit.WriteAsync(AppAuditEntry.By(actor, AppAuditActions.RoleGranted, user.Email, details: role));
        }

        foreach (var role in toRemove)
        {
            await audit.WriteAsync(AppAuditEntry.By(actor, AppAuditActions.RoleRevoked, user.Email, details: role));
        }

        return new UserChangeResult(true, toAdd.Count + toRemove.Count == 0 ? "No change." : $"Roles of {user.Email}: {string.Join(", ", wanted.Order())}.");
    }

    public async Task<UserChangeResult> SetLockedAsync(ClaimsPrincipal actor, string userId, bool locked)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return UserChangeResult.Fail("That user no longer exists.");
        }

        if (locked && IsSelf(actor, user))
        {
            return UserChangeResult.Fail("You cannot lock your own account.");
        }

        var result = await users.SetLockoutEndDateAsync(user, locked ? DateTimeOffset.MaxValue : null);
        if (!result.Succeeded)
        {
            return UserChangeResult.Fail(result);
        }

        if (!locked)
        {
            await users.ResetAccessFailedCountAsync(user);
        }

        await users.UpdateSecurityStampAsync(user);
        if (locked)
        {
            // Signed out everywhere now, not at the next revalidation.
            await sessions.RemoveAllAsync(user.Id);
        }

        await audit.WriteAsync(AppAuditEntry.By(actor, locked ? AppAuditActions.UserLocked : AppAuditActions.UserUnlocked, user.Email));
        return new UserChangeResult(true, locked ? $"{user.Email} is locked." : $"{user.Email} is unlocked.");
    }

    public async Task<UserChangeResult> ResetPasswordAsync(ClaimsPrincipal actor, string userId)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return UserChangeResult.Fail("That user no longer exists.");
        }

        var password = PasswordGenerator.Generate();
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var result = await users.ResetPasswordAsync(user, token, password);
        if (!result.Succeeded)
        {
            return UserChangeResult.Fail(result);
        }

        await audit.WriteAsync(AppAuditEntry.By(actor, AppAuditActions.UserPasswordReset, user.Email));
        return new UserChangeResult(true, $"New password for {user.Email}; it is shown only now.", password);
    }

    public async Task<UserChangeResult> DeleteAsync(ClaimsPrincipal actor, string userId)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return UserChangeResult.Fail("That user no longer exists.");
        }

        if (IsSelf(actor, user))
        {
            return UserChangeResult.Fail("You cannot delete your own account.");
        }

        if (await IsLastAdminAsync(user))
        {
            return UserChangeResult.Fail("This is the last admin; make someone else an admin first.");
        }

        var result = await users.DeleteAsync(user);
        if (!result.Succeeded)
        {
            return UserChangeResult.Fail(result);
        }

        await sessions.RemoveAllAsync(user.Id);
        await audit.WriteAsync(AppAuditEntry.By(actor, AppAuditActions.UserDeleted, user.Email));
        return new UserChangeResult(true, $"Deleted {user.Email}.");
    }

    private async Task<bool> IsLastAdminAsync(AppUser user)
    {
        if (!await users.IsInRoleAsync(user, AppRoles.Admin))
        {
            return false;
        }

        var admins = await users.GetUsersInRoleAsync(AppRoles.Admin);
        return admins.Count(a => a.LockoutEnd is null || a.LockoutEnd <= DateTimeOffset.UtcNow) <= 1;
    }

    private static bool IsSelf(ClaimsPrincipal actor, AppUser user) =>
        actor.FindFirstValue(ClaimTypes.NameIdentifier) == user.Id;
}
