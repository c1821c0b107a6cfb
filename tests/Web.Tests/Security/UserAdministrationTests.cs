using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Security;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Security;

public sealed class UserAdministrationTests(WebAppFixture fixture)
{
    private static ClaimsPrincipal Admin(string name, string? id = null) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.NameIdentifier, id ?? Guid.NewGuid().ToString())], "tests"));

    private async Task<T> WithAdministrationAsync<T>(Func<UserAdministration, Task<T>> action)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<UserAdministration>());
    }

    [Fact]
    public async Task Create_WithoutPassword_GeneratesOneThatSignsIn()
    {
        var email = $"gen-{Guid.NewGuid():N}@tests.tovplay.org";

        var result = await WithAdministrationAsync(a => a.CreateAsync(Admin("boss@tests"), email, "investigator", null));

        Assert.True(result.Succeeded, result.Message);
        Assert.NotNull(result.GeneratedPassword);
        using var client = await SignInClient.SignedInAsync(fixture.App, new TestUser(email, result.GeneratedPassword));
        var row = Assert.Single(await AuditRows.ForTargetAsync(fixture.Database, email), r => r.Action == AppAuditActions.UserCreated);
        Assert.Equal("boss@tests", row.Actor);
        Assert.Equal("role Investigator", row.Details);
    }

    [Fact]
    public async Task Create_UnknownRole_FailsAndSaysWhich()
    {
        var result = await WithAdministrationAsync(a => a.CreateAsync(Admin("boss@tests"), "x@tests.tovplay.org", "Root", null));

        Assert.False(result.Succeeded);
        Assert.Equal("Unknown role 'Root'. Use one of: Viewer, Investigator, Admin.", result.Message);
    }

    [Fact]
    public async Task Create_DuplicateEmail_Fails()
    {
        var user = await fixture.CreateUserAsync(AppRoles.Viewer);

        var result = await WithAdministrationAsync(a => a.CreateAsync(Admin("boss@tests"), user.Email, AppRoles.Viewer, null));

        Assert.False(result.Succeeded);
        Assert.Contains("already exists", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetRoles_GrantAndRevoke_AuditsEachChange()
    {
        var user = await fixture.CreateUserAsync(AppRoles.Viewer);
        var id = await fixture.FindUserIdAsync(user.Email);

        var result = await WithAdministrationAsync(a => a.SetRolesAsync(Admin("boss@tests"), id, [AppRoles.Investigator]));

        Assert.True(result.Succeeded, result.Message);
        var rows = await AuditRows.ForTargetAsync(fixture.Database, user.Email);
        Assert.Contains(rows, r => r.Action == AppAuditActions.RoleGranted && r.Details == AppRoles.Investigator && r.Actor == "boss@tests");
        Assert.Contains(rows, r => r.Action == AppAuditActions.RoleRevoked && r.Details == AppRoles.Viewer);
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.Equal([AppRoles.Investigator], await users.GetRolesAsync((await users.FindByEmailAsync(user.Email))!));
    }

    [Fact]
    public async Task SetRoles_AdminDemoted_OpenSessionLosesAdminAtNextRevalidation()
    {
        // A second app on the same database that re-checks the security stamp on every request.
        await using var strict = new TestApp(fixture.Database.ConnectionString, new Dictionary<string, string?> { ["Security:RevalidationInterval"] = "00:00:00" });
        var user = await fixture.CreateUserAsync(AppRoles.Admin);
        using var client = await SignInClient.SignedInAsync(strict, user);
        var ct = TestContext.Current.CancellationToken;
        using var before = await client.GetAsync("admin/users", ct);
        var id = await fixture.FindUserIdAsync(user.Email);

        var result = await WithAdministrationAsync(a => a.SetRolesAsync(Admin("boss@tests"), id, [AppRoles.Viewer]));
        using var after = await client.GetAsync("admin/users", ct);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(System.Net.HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/logs/account/login", SignInClient.LocationPath(after), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lock_ThenSignIn_IsRefusedAndUnlockRestores()
    {
        var user = await fixture.CreateUserAsync(AppRoles.Viewer);
        var id = await fixture.FindUserIdAsync(user.Email);

        var locked = await WithAdministrationAsync(a => a.SetLockedAsync(Admin("boss@tests"), id, true));
        using var client = fixture.App.CreateBrowserLikeClient();
        using var refused = await SignInClient.PostLoginAsync(client, user.Email, user.Password);
        var html = await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var unlocked = await WithAdministrationAsync(a => a.SetLockedAsync(Admin("boss@tests"), id, false));
        using var accepted = await SignInClient.PostLoginAsync(client, user.Email, user.Password);

        Assert.True(locked.Succeeded && unlocked.Succeeded);
        Assert.Contains("This account is locked. Ask an admin to unlock it.", html, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, accepted.StatusCode);
        var rows = await AuditRows.ForTargetAsync(fixture.Database, user.Email);
        Assert.Contains(rows, r => r.Action == AppAuditActions.UserLocked);
        Assert.Contains(rows, r => r.Action == AppAuditActions.UserUnlocked);
    }

    [Fact]
    public async Task ResetPassword_OldStopsWorkingNewSignsIn()
    {
        var user = await fixture.CreateUserAsync(AppRoles.Viewer);
        var id = await fixture.FindUserIdAsync(user.Email);

        var reset = await WithAdministrationAsync(a => a.ResetPasswordAsync(Admin("boss@tests"), id));
        using var client = fixture.App.CreateBrowserLikeClient();
        using var old = await SignInClient.PostLoginAsync(client, user.Email, user.Password);

        Assert.True(reset.Succeeded, reset.Message);
        Assert.Equal(System.Net.HttpStatusCode.OK, old.StatusCode);
        using var fresh = await SignInClient.SignedInAsync(fixture.App, user with { Password = reset.GeneratedPassword! });
        Assert.Contains(await AuditRows.ForTargetAsync(fixture.Database, user.Email), r => r.Action == AppAuditActions.UserPasswordReset);
    }

    [Fact]
    public async Task Delete_Self_IsRefused()
    {
        var user = await fixture.CreateUserAsync(AppRoles.Admin);
        var id = await fixture.FindUserIdAsync(user.Email);

        var result = await WithAdministrationAsync(a => a.DeleteAsync(Admin(user.Email, id), id));

        Assert.False(result.Succeeded);
        Assert.Equal("You cannot delete your own account.", result.Message);
    }

    [Fact]
    public async Task Delete_OtherUser_RemovesAndAudits()
    {
        var user = await fixture.CreateUserAsync(AppRoles.Viewer);
        var id = await fixture.FindUserIdAsync(user.Email);

        var result = await WithAdministrationAsync(a => a.DeleteAsync(Admin("boss@tests"), id));

        Assert.True(result.Succeeded, result.Message);
        using var client = fixture.App.CreateBrowserLikeClient();
        using var refused = await SignInClient.PostLoginAsync(client, user.Email, user.Password);
        Assert.Equal(System.Net.HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains(await AuditRows.ForTargetAsync(fixture.Database, user.Email), r => r.Action == AppAuditActions.UserDeleted);
    }
}
