using System.Net;
using System.Text.Json;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Security;

/// <summary>OpenID Connect sign-in, turned on by settings alone, against a provider speaking the real protocol.</summary>
public sealed class SingleSignOnTests(WebAppFixture fixture)
{
    private static TestApp AppWith(FakeOpenIdProvider provider, TestDatabase database, string? defaultRole = null) =>
        new(database.ConnectionString, new Dictionary<string, string?>
        {
            ["Authentication:OpenIdConnect:Authority"] = provider.Authority.ToString().TrimEnd('/'),
            ["Authentication:OpenIdConnect:ClientId"] = FakeOpenIdProvider.ClientId,
            ["Authentication:OpenIdConnect:ClientSecret"] = FakeOpenIdProvider.ClientSecret,
            ["Authentication:OpenIdConnect:DisplayName"] = "TovPlay SSO",
            ["Authentication:OpenIdConnect:RequireHttpsMetadata"] = "false",
            ["Authentication:OpenIdConnect:DefaultRole"] = defaultRole,
        });

    /// <summary>Walks the browser's part: button, provider, form post back, callback; returns the final redirect.</summary>
    private static async Task<HttpResponseMessage> SignInThroughProviderAsync(HttpClient client, string returnUrl)
    {
        var ct = TestContext.Current.CancellationToken;
        var login = await client.GetStringAsync("account/login", ct);
        Assert.Contains("TovPlay SSO", login, StringComparison.Ordinal);
        using var start = await client.PostAsync("account/external-login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SignInClient.AntiforgeryToken(login),
            ["returnUrl"] = returnUrl,
        }), ct);
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);

        using var authorize = await client.GetAsync(start.Headers.Location, ct);
        Assert.Equal(HttpStatusCode.OK, authorize.StatusCode);
        using var grant = JsonDocument.Parse(await authorize.Content.ReadAsStringAsync(ct));
        var redirectUri = grant.RootElement.GetProperty("redirect_uri").GetString()!;
        Assert.EndsWith("/logs/account/oidc-callback", redirectUri, StringComparison.Ordinal);

        using var callback = await client.PostAsync(redirectUri, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["code"] = grant.RootElement.GetProperty("code").GetString()!,
            ["state"] = grant.RootElement.GetProperty("state").GetString()!,
        }), ct);
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.StartsWith("/logs/account/external-callback", SignInClient.LocationPath(callback), StringComparison.Ordinal);

        return await client.GetAsync(callback.Headers.Location, ct);
    }

    [Fact]
    public async Task FirstSignIn_TokenNamesRole_CreatesUserWithThatRole()
    {
        await using var provider = await FakeOpenIdProvider.StartAsync();
        var email = $"sso-{Guid.NewGuid():N}@tests.tovplay.org";
        provider.NextUser = ($"sub-{Guid.NewGuid():N}", email, ["Investigator"]);
        await using var app = AppWith(provider, fixture.Database);
        using var client = app.CreateBrowserLikeClient();

        using var done = await SignInThroughProviderAsync(client, "/logs/investigate");
        using var page = await client.GetAsync("investigate", TestContext.Current.CancellationToken);

        Assert.Equal("/logs/investigate", SignInClient.LocationPath(done));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var rows = await AuditRows.ForTargetAsync(fixture.Database, email);
        Assert.Contains(rows, r => r.Action == AppAuditActions.UserCreated && r.Details == "first sign-in via TovPlay SSO; roles: Investigator");
        Assert.Contains(rows, r => r.Action == AppAuditActions.SignInSucceeded && r.Details == "via TovPlay SSO");
    }

    [Fact]
    public async Task ContentSecurityPolicy_AllowsTheFormToPostOnToTheProvider()
    {
        await using var provider = await FakeOpenIdProvider.StartAsync();
        await using var app = AppWith(provider, fixture.Database);
        using var client = app.CreateBrowserLikeClient();

        using var response = await client.GetAsync("account/login", TestContext.Current.CancellationToken);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains($"form-action 'self' {provider.Authority.GetLeftPart(UriPartial.Authority)}", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstSignIn_NoRoleAndNoDefault_SignsInWithoutAccess()
    {
        await using var provider = await FakeOpenIdProvider.StartAsync();
        provider.NextUser = ($"sub-{Guid.NewGuid():N}", $"sso-{Guid.NewGuid():N}@tests.tovplay.org", []);
        await using var app = AppWith(provider, fixture.Database);
        using var client = app.CreateBrowserLikeClient();

        using var done = await SignInThroughProviderAsync(client, "/logs/live");
        using var page = await client.GetAsync("live", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/logs/account/access-denied", SignInClient.LocationPath(page), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondSignIn_SameSubject_ReusesTheAccount()
    {
        await using var provider = await FakeOpenIdProvider.StartAsync();
        var email = $"sso-{Guid.NewGuid():N}@tests.tovplay.org";
        provider.NextUser = ($"sub-{Guid.NewGuid():N}", email, []);
        await using var app = AppWith(provider, fixture.Database, defaultRole: "Viewer");

        using (var first = app.CreateBrowserLikeClient())
        using (var ignored = await SignInThroughProviderAsync(first, "/logs/"))
        {
        }

        using var second = app.CreateBrowserLikeClient();
        using var done = await SignInThroughProviderAsync(second, "/logs/live");
        using var page = await second.GetAsync("live", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var rows = await AuditRows.ForTargetAsync(fixture.Database, email);
        Assert.Single(rows, r => r.Action == AppAuditActions.UserCreated);
        Assert.Equal(2, rows.Count(r => r.Action == AppAuditActions.SignInSucceeded));
    }
}
