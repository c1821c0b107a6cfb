using System.Net;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Security;

public sealed class RoleAuthorizationTests(WebAppFixture fixture)
{
    [Theory]
    [InlineData("admin")]
    [InlineData("admin/users")]
    [InlineData("admin/audit-trail")]
    [InlineData("investigate")]
    [InlineData("audit")]
    [InlineData("alerts")]
    [InlineData("alerts/silences")]
    [InlineData("alerts/notifications")]
    public async Task ViewerPage_AboveRole_IsDenied(string path)
    {
        var viewer = await fixture.CreateUserAsync(AppRoles.Viewer);
        using var client = await SignInClient.SignedInAsync(fixture.App, viewer);

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/logs/account/access-denied", SignInClient.LocationPath(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("live")]
    [InlineData("search")]
    public async Task Viewer_ViewerPages_AreServed(string path)
    {
        var viewer = await fixture.CreateUserAsync(AppRoles.Viewer);
        using var client = await SignInClient.SignedInAsync(fixture.App, viewer);

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Investigator_InvestigatePages_AreServedButAdminIsNot()
    {
        var investigator = await fixture.CreateUserAsync(AppRoles.Investigator);
        using var client = await SignInClient.SignedInAsync(fixture.App, investigator);
        var ct = TestContext.Current.CancellationToken;

        using var investigate = await client.GetAsync("investigate", ct);
        using var admin = await client.GetAsync("admin/users", ct);

        Assert.Equal(HttpStatusCode.OK, investigate.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
    }

    [Theory]
    [InlineData("alerts", true)]
    [InlineData("alerts/silences", true)]
    [InlineData("alerts/notifications", true)]
    [InlineData("alerts/rules/new", false)]
    [InlineData("alerts/contact-points", false)]
    [InlineData("alerts/policies", false)]
    [InlineData("alerts/mute-timings", false)]
    public async Task Investigator_SeesAlertsAndSilences_ButOnlyAdminsEditRulesAndRouting(string path, bool served)
    {
        var investigator = await fixture.CreateUserAsync(AppRoles.Investigator);
        using var client = await SignInClient.SignedInAsync(fixture.App, investigator);

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(served ? HttpStatusCode.OK : HttpStatusCode.Redirect, response.StatusCode);
    }

    [Fact]
    public async Task Admin_AdminPages_AreServed()
    {
        var admin = await fixture.CreateUserAsync(AppRoles.Admin);
        using var client = await SignInClient.SignedInAsync(fixture.App, admin);
        var ct = TestContext.Current.CancellationToken;

        using var users = await client.GetAsync("admin/users", ct);
        var html = await users.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.OK, users.StatusCode);
        Assert.Contains(TestApp.AdminEmail, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserWithoutRole_AnyPage_IsDenied()
    {
        var user = await fixture.CreateUserAsync([]);
        using var client = await SignInClient.SignedInAsync(fixture.App, user);

        using var response = await client.GetAsync("live", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/logs/account/access-denied", SignInClient.LocationPath(response), StringComparison.Ordinal);
    }
}
