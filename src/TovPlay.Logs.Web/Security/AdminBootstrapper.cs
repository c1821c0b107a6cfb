using System.Security.Claims;

namespace TovPlay.Logs.Web.Security;

/// <summary>
/// On first start, creates the roles and, when <c>TOVPLAY_LOGS_ADMIN_EMAIL</c> is set and no admin exists yet,
/// the first admin. A generated password is written to standard output once, never to the log.
/// </summary>
public sealed class AdminBootstrapper(UserAdministration administration, IConfiguration configuration, ILogger<AdminBootstrapper> logger)
{
    public const string EmailVariable = "TOVPLAY_LOGS_ADMIN_EMAIL";
    public const string PasswordVariable = "TOVPLAY_LOGS_ADMIN_PASSWORD";

    public async Task RunAsync(TextWriter console)
    {
        await administration.EnsureRolesAsync();
        var email = configuration[EmailVariable];
        if (string.IsNullOrWhiteSpace(email) || await administration.AnyAdminAsync())
        {
            return;
        }

        var password = configuration[PasswordVariable];
        var system = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, AppAuditEntry.System)]));
        var result = await administration.CreateAsync(system, email, Domain.Security.AppRoles.Admin, string.IsNullOrEmpty(password) ? null : password);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not create the first admin from {EmailVariable}: {result.Message}");
        }

        logger.LogInformation("Created the first admin {Email}", email);
        if (result.GeneratedPassword is not null)
        {
            await console.WriteLineAsync();
            await console.WriteLineAsync("==================================================================");
            await console.WriteLineAsync($"  First admin: {email}");
            await console.WriteLineAsync($"  Password:    {result.GeneratedPassword}");
            await console.WriteLineAsync("  Shown once: keep it in your password manager. Admins reset passwords under Admin > Users.");
            await console.WriteLineAsync("==================================================================");
            await console.WriteLineAsync();
        }
    }
}
