using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Model;

public sealed record Preferences(bool? DarkMode, bool ShowUtc);

/// <summary>Reads and saves the signed-in operator's display preferences, stored on their account.</summary>
public sealed class UserPreferences(IDbContextFactory<AppDbContext> dbFactory, AppAuditLog audit)
{
    public async Task<Preferences> LoadAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (id is null)
        {
            return new Preferences(null, true);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.Users.AsNoTracking()
            .Where(u => u.Id == id)
            .Select(u => new Preferences(u.PrefersDarkMode, u.ShowTimesInUtc))
            .FirstOrDefaultAsync(cancellationToken);
        return row ?? new Preferences(null, true);
    }

    public async Task SaveAsync(ClaimsPrincipal user, Preferences preferences, CancellationToken cancellationToken = default)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (id is null)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (row is null)
        {
            return;
        }

        var changes = new List<string>();
        if (row.PrefersDarkMode != preferences.DarkMode)
        {
            changes.Add($"dark_mode: {Show(row.PrefersDarkMode)} -> {Show(preferences.DarkMode)}");
            row.PrefersDarkMode = preferences.DarkMode;
        }

        if (row.ShowTimesInUtc != preferences.ShowUtc)
        {
            changes.Add($"time_zone: {(row.ShowTimesInUtc ? "utc" : "local")} -> {(preferences.ShowUtc ? "utc" : "local")}");
            row.ShowTimesInUtc = preferences.ShowUtc;
        }

        if (changes.Count == 0)
        {
            return;
        }

        await db.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.SettingsChanged, "user preferences", details: string.Join("; ", changes)), cancellationToken);
    }

    private static string Show(bool? darkMode) => darkMode switch { true => "dark", false => "light", null => "system" };
}
