using System.Net;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Security;

public sealed class SignInTests(WebAppFixture fixture)
{
    [Fact]
    public async Task SignIn_FirstAdminFromEnvironment_Succeeds()
    {
        using var client = fixture.App.CreateBrowserLikeClient();

        using var response = await SignInClient.PostLoginAsync(client, TestApp.AdminEmail, TestApp.AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/logs/", SignInClient.LocationPath(response));
    }

    [Fact]
    public async Task SignIn_ReturnUrlInsideApp_RedirectsThere()
    {
        var user = await fixture.CreateUserAsync(AppRoles.Viewer);
        using var client = fixture.App.CreateBrowserLikeClient();

        using var response = await SignInClient.PostLoginAsync(client, user.Email, user.Password, returnUrl: "/logs/search?q=x");

        Assert.Equal("/logs/search?q=x", SignInClient.LocationPath(response));
    }

    [Theory]
    [InlineData("https://evil.example/phish")]
    [InlineData("//evil.example/phish")]
    [InlineData("/elsewhere")]
    public async Task SignIn_ReturnUrlOutsideApp_RedirectsHome(string returnUrl)
    {
        var user = await fixture.CreateUserAsync(AppRoles.Viewer);
        using var client = fixture.App.CreateBrowserLikeClient();

        using var response = await SignInClient.PostLoginAsync(client, user.Email, user.Password, returnUrl);

        Assert.Equal("/logs/", SignInClient.LocationPath(response));
    }

    [Fact]
    public async Task SignIn_WrongPassword_ShowsErrorAndAudits()
    {
        var user = await fixture.CreateUserAsync(AppRoles.Viewer);
        using var client = fixture.App.CreateBrowserLikeClient();

        using var response = await SignInClient.PostLoginAsync(client, user.Email, "Wrong-password-1");
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The email or password is incorrect.", html, StringComparison.Ordinal);
        var rows = await AuditRows.ForTargetAsync(fixture.Database, user.Email);
        var failed = Assert.Single(rows, r => r.Action == AppAuditActions.SignInFailed);
        Assert.False(failed.Succeeded);
        Assert.Equal(user.Email, failed.Actor);
    }

    [Fact]
    public async Task SignIn_UnknownAccount_SameAnswerAsWrongPassword()
    {
        var email = $"nobody-{Guid.NewGuid():N}@tests.tovplay.org";
        using var client = fixture.App.CreateBrowserLikeClient();

        using var response = await SignInClient.PostLoginAsync(client, email, "Whatever-passw0rd");
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Contains("The email or password is incorrect.", html, StringComparison.Ordinal);
        Assert.Contains(await AuditRows.ForTargetAsync(fixture.Database, email), r => r.Action == AppAuditActions.SignInFailed);
    }

    [Fact]
    public async Task SignIn_FiveWrongPasswords_SlowEvenTheRightOne_WithoutLockingTheAccount()
    {
        var user = await fixture.CreateUserAsync(AppRoles.Viewer);
        using var client = fixture.App.CreateBrowserLikeClient();
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await SignInClient.PostLoginAsync(client, user.Email, $"Wrong-password-{i}");
        }

        using var right = await SignInClient.PostLoginAsync(client, user.Email, user.Password);
        var html = await right.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("Too many failed sign-ins. Try again in ", html, StringComparison.Ordinal);
        var rows = await AuditRows.ForTargetAsync(fixture.Database, user.Email);
        Assert.Equal(5, rows.Count(r => r.Action == AppAuditActions.SignInFailed));
        Assert.Equal(1, rows.Count(r => r.Action == AppAuditActions.SignInThrottled));
        Assert.DoesNotContain(rows, r => r.Action == AppAuditActions.SignInLockedOut);
    }

    [Fact]
    public async Task SignIn_Success_AuditsWithClientIpAndCallersCorrelationId()
    {
        var user = await fixture.CreateUserAsync(AppRoles.Viewer);
        var correlationId = Guid.NewGuid().ToString();
        using var client = fixture.App.CreateBrowserLikeClient();

        using var response = await SignInClient.PostLoginAsync(client, user.Email, user.Password, correlationId: correlationId);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var row = Assert.Single(await AuditRows.ForTargetAsync(fixture.Database, user.Email), r => r.Action == AppAuditActions.SignInSucceeded);
        Assert.True(row.Succeeded);
        Assert.Equal("127.0.0.1", row.ClientIp);
        Assert.Equal(correlationId, row.CorrelationId);
        Assert.True(row.OccurredAt > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task SignIn_MissingFields_ShowsWhichFieldAndWhy()
    {
        using var client = fixture.App.CreateBrowserLikeClient();

        using var response = await SignInClient.PostLoginAsync(client, "", "");
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Contains("Enter your email address.", html, StringComparison.Ordinal);
        Assert.Contains("Enter your password.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WithoutAntiforgeryToken_IsRejected()
    {
        var user = await fixture.CreateUserAsync(AppRoles.Viewer);
        using var client = fixture.App.CreateBrowserLikeClient();
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["Input.Email"] = user.Email,
            ["Input.Password"] = user.Password,
        });

        using var response = await client.PostAsync("account/login", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(await AuditRows.ForTargetAsync(fixture.Database, user.Email), r => r.Action == AppAuditActions.SignInSucceeded);
    }

    [Fact]
    public async Task SignOut_Posted_EndsSessionAndAudits()
    {
        var user = await fixture.CreateUserAsync(AppRoles.Viewer);
        using var client = await SignInClient.SignedInAsync(fixture.App, user);
        var ct = TestContext.Current.CancellationToken;
        var page = await client.GetStringAsync("live", ct);
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = SignInClient.AntiforgeryToken(page) });

        using var signOut = await client.PostAsync("account/logout", content, ct);
        using var after = await client.GetAsync("live", ct);

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/logs/account/login", SignInClient.LocationPath(after), StringComparison.Ordinal);
        Assert.Contains(await AuditRows.ForTargetAsync(fixture.Database, user.Email), r => r.Action == AppAuditActions.SignOut);
    }

    [Fact]
    public async Task SignOut_WithoutAntiforgeryToken_IsRejected()
    {
        var user = await fixture.CreateUserAsync(AppRoles.Viewer);
        using var client = await SignInClient.SignedInAsync(fixture.App, user);
        var ct = TestContext.Current.CancellationToken;

        using var signOut = await client.PostAsync("account/logout", new FormUrlEncodedContent([]), ct);
        using var after = await client.GetAsync("live", ct);

        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task SignIn_TooManyFromOneAddress_Gets429WithRetryAfter()
    {
        await using var app = new TestApp(fixture.Database.ConnectionString, new Dictionary<string, string?> { ["Security:SignInAttemptsPerMinute"] = "3" });
        using var client = app.CreateBrowserLikeClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var attempt = await SignInClient.PostLoginAsync(client, $"spray-{i}@tests.tovplay.org", "Wrong-passw0rd");
            statuses.Add(attempt.StatusCode);
        }

        using var refused = await SignInClient.PostLoginAsync(client, "spray-4@tests.tovplay.org", "Wrong-passw0rd");
        using var page = await client.GetAsync("account/login", TestContext.Current.CancellationToken);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("Too many sign-in attempts from this address. Wait a minute and try again.", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }
}
