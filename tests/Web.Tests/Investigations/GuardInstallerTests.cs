using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Investigations;
using TovPlay.Logs.Web.Tests.Audit;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Investigations;

/// <summary>Installing the recommended guard from the app: Admins only, on tables the catalog has, in the app's audit trail either way.</summary>
public sealed class GuardInstallerTests(WebAppFixture fixture) : IAsyncLifetime
{
    private readonly TovPlayDatabase _db = new();
    private TestApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.Installer.InstallAsync(await _db.Installer.TablesAsync(Ct), Ct);
        _app = _db.StartApp(fixture.Database.ConnectionString);
        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, "INSERT INTO users (username) SELECT 'u' || g FROM generate_series(1, 8) g");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static ClaimsPrincipal User(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], "test", ClaimTypes.Name, ClaimTypes.Role));

    private async Task<string?> InstallAsync(GuardTarget target, ClaimsPrincipal user)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GuardInstaller>().InstallAsync(target, user, Ct);
    }

    [Fact]
    public async Task AnAdmin_InstallsTheGuard_ThenAMassDeleteIsRefused_AndTheTrailSaysWho()
    {
        var admin = "admin-" + _db.Suffix;

        Assert.Null(await InstallAsync(new GuardTarget("public", "users", 5), User(admin, AppRoles.Admin)));

        await using var app = await _db.OpenAsAppAsync();
        var refused = await Assert.ThrowsAsync<PostgresException>(() => _db.ExecuteAsync(app, "DELETE FROM users"));
        Assert.Equal("TovPlay mass-change guard: DELETE on public.users would change 8 rows, more than the limit of 5.", refused.MessageText);
        var trail = await AuditRows.ForTargetAsync(fixture.Database, "public.users");
        Assert.Contains(trail, r => r.Action == AppAuditActions.GuardInstalled && r.Actor == admin && r.Succeeded
            && r.Details == "refuses DELETE, UPDATE and TRUNCATE over 5 rows without tovplay.allow_mass_change");
    }

    [Fact]
    public async Task AnInvestigator_OrAnUnknownTable_IsRefusedWithWhy()
    {
        Assert.Equal("Only an Admin can install a guard.", await InstallAsync(new GuardTarget("public", "users", 5), User("inv-" + _db.Suffix, AppRoles.Investigator)));
        var admin = "admin2-" + _db.Suffix;
        Assert.Equal("There is no table public.nope in the audited database.", await InstallAsync(new GuardTarget("public", "nope", 5), User(admin, AppRoles.Admin)));

        await using var app = await _db.OpenAsAppAsync();
        await _db.ExecuteAsync(app, "DELETE FROM users");
        var trail = await AuditRows.ForTargetAsync(fixture.Database, "public.nope");
        Assert.Contains(trail, r => r.Action == AppAuditActions.GuardInstalled && r.Actor == admin && !r.Succeeded);
    }
}
