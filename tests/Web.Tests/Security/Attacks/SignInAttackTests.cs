using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Security.Attacks;

/// <summary>
/// What an anonymous stranger could learn from, or do to, the sign-in page: tell which accounts exist, lock anyone
/// out (admins included), write text onto the page, or be sent off-site after signing in. Addresses are set through
/// X-Forwarded-For, which the app believes from loopback, as it would from its reverse proxy.
/// </summary>
public sealed class SignInAttackTests(WebAppFixture fixture)
{
    private const string Incorrect = "The email or password is incorrect.";
    private const string Throttled = "Too many failed sign-ins. Try again in ";

    private static int s_address;

    /// <summary>An address no other test uses, so the per-address limits start fresh.</summary>
    private static string NewAddress() => $"198.18.{Interlocked.Increment(ref s_address) / 250}.{Interlocked.Increment(ref s_address) % 250 + 1}";

    private HttpClient Browser(string address, CookieContainer? cookies = null)
    {
        var client = fixture.App.CreateBrowserLikeClient(cookies: cookies);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    private static async Task<(HttpStatusCode Status, string Html, string Location)> SignInAsync(HttpClient browser, string email, string password, string? returnUrl = null)
    {
        using var response = await SignInClient.PostLoginAsync(browser, email, password, returnUrl);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), SignInClient.LocationPath(response));
    }

    [Fact]
    public async Task AnUnknownAccount_ALockedOne_AndAWrongPassword_AllGetTheSameAnswer()
    {
        var existing = await fixture.CreateUserAsync(AppRoles.Viewer);
        var locked = await fixture.CreateUserAsync(AppRoles.Admin);
        await fixture.LockAsync(locked.Email);
        using var browser = Browser(NewAddress());

        var unknown = await SignInAsync(browser, $"nobody-{Guid.NewGuid():N}@tests.tovplay.org", "Wrong-passw0rd-1");
        var wrong = await SignInAsync(browser, existing.Email, "Wrong-passw0rd-1");
        var lockedWrong = await SignInAsync(browser, locked.Email, "Wrong-passw0rd-1");

        Assert.All(new[] { unknown, wrong, lockedWrong }, r =>
        {
            Assert.Equal(HttpStatusCode.OK, r.Status);
            Assert.Contains(Incorrect, r.Html, StringComparison.Ordinal);
            Assert.DoesNotContain("locked", r.Html, StringComparison.OrdinalIgnoreCase);
        });

        // Only the right password learns that the account is locked.
        var lockedRight = await SignInAsync(browser, locked.Email, locked.Password);
        Assert.Contains("This account is locked. Ask an admin to unlock it.", lockedRight.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStrangersFailures_SlowTheStranger_NeverLockTheOwnerOut()
    {
        var owner = await fixture.CreateUserAsync(AppRoles.Admin);
        var ownerCookies = new CookieContainer();
        var ownerAddress = NewAddress();
        using (var first = Browser(ownerAddress, ownerCookies))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(first, owner.Email, owner.Password)).Status);
        }

        // The stranger: five wrong guesses, then even the right password waits.
        using var stranger = Browser(NewAddress());
        for (var i = 0; i < 5; i++)
        {
            Assert.Contains(Incorrect, (await SignInAsync(stranger, owner.Email, $"Guess-number-{i}")).Html, StringComparison.Ordinal);
        }

        var slowed = await SignInAsync(stranger, owner.Email, owner.Password);
        Assert.Contains(Throttled, slowed.Html, StringComparison.Ordinal);

        // Strangers in many places: the account is slowed for browsers it never used...
        for (var place = 0; place < 4; place++)
        {
            using var elsewhere = Browser(NewAddress());
            for (var i = 0; i < 4; i++)
            {
                await SignInAsync(elsewhere, owner.Email, $"Guess-{place}-{i}");
            }
        }

        using var newBrowser = Browser(NewAddress());
        Assert.Contains(Throttled, (await SignInAsync(newBrowser, owner.Email, owner.Password)).Html, StringComparison.Ordinal);

        // ...but the owner at their own browser signs in at once.
        using var again = Browser(ownerAddress, ownerCookies);
        var ownerResult = await SignInAsync(again, owner.Email, owner.Password);
        Assert.Equal(HttpStatusCode.Redirect, ownerResult.Status);
        Assert.Equal("/logs/", ownerResult.Location);
        Assert.Contains(await AuditRows.ForTargetAsync(fixture.Database, owner.Email), r => r.Action == AppAuditActions.SignInThrottled);
    }

    [Fact]
    public async Task AnUnknownAccount_IsThrottledExactlyAsAKnownOne()
    {
        using var browser = Browser(NewAddress());
        var nobody = $"nobody-{Guid.NewGuid():N}@tests.tovplay.org";
        for (var i = 0; i < 5; i++)
        {
            Assert.Contains(Incorrect, (await SignInAsync(browser, nobody, $"Guess-number-{i}")).Html, StringComparison.Ordinal);
        }

        Assert.Contains(Throttled, (await SignInAsync(browser, nobody, "Guess-number-5")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextInTheErrorParameter_IsNeverShown()
    {
        using var browser = Browser(NewAddress());
        var html = await browser.GetStringAsync("account/login?error=" + Uri.EscapeDataString("Your session expired. Call +1 555 0100 to restore access."), TestContext.Current.CancellationToken);

        Assert.DoesNotContain("555 0100", html, StringComparison.Ordinal);
        Assert.Contains("Single sign-on did not complete. Try again.", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/logs/../..//evil.example")]
    [InlineData("/logs/%2e%2e/%2e%2e//evil.example")]
    [InlineData("/logs//evil.example")]
    [InlineData("/logs/\\\\evil.example")]
    public async Task AReturnAddressThatResolvesOutsideTheApp_SendsHome(string returnUrl)
    {
        var user = await fixture.CreateUserAsync(AppRoles.Viewer);
        using var browser = Browser(NewAddress());

        var result = await SignInAsync(browser, user.Email, user.Password, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, result.Status);
        Assert.Equal("/logs/", result.Location);
    }

    [Theory]
    [InlineData("_blazor/negotiate?negotiateVersion=1")]
    [InlineData("hubs/tail/negotiate?negotiateVersion=1")]
    public async Task ALiveConnectionFromAnotherSitesPage_IsRefused_FromTheAppsOwnPage_IsNot(string path)
    {
        var user = await fixture.CreateUserAsync(AppRoles.Viewer);
        using var browser = await SignInClient.SignedInAsync(fixture.App, user);

        using var evil = new HttpRequestMessage(HttpMethod.Post, path);
        evil.Headers.Add("Origin", "https://evil.example");
        using var refused = await browser.SendAsync(evil, TestContext.Current.CancellationToken);
        using var own = new HttpRequestMessage(HttpMethod.Post, path);
        own.Headers.Add("Origin", $"{fixture.App.AppUri.Scheme}://{fixture.App.AppUri.Authority}");
        using var accepted = await browser.SendAsync(own, TestContext.Current.CancellationToken);

        // As browsers send it: behind a proxy that rewrites Host the page's origin names another host, and
        // Sec-Fetch-Site still tells the app's own pages from others'.
        using var proxied = new HttpRequestMessage(HttpMethod.Post, path);
        proxied.Headers.Add("Origin", "https://app.tovplay.org");
        proxied.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var fromOwnPage = await browser.SendAsync(proxied, TestContext.Current.CancellationToken);
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, path);
        crossSite.Headers.Add("Origin", $"{fixture.App.AppUri.Scheme}://{fixture.App.AppUri.Authority}");
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var fromOtherPage = await browser.SendAsync(crossSite, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fromOwnPage.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, fromOtherPage.StatusCode);
    }

    [Fact]
    public async Task WithACertificateConfigured_DataProtectionKeysAreStoredEncrypted()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=tovplay-logs-keys", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(Path.GetTempPath(), $"keys-{Guid.NewGuid():N}.pfx");
        await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pkcs12, "pfx-password"), TestContext.Current.CancellationToken);
        try
        {
            await using var database = await TestDatabase.CreateAsync("key_encryption");
            await using var app = new TestApp(database.ConnectionString, new Dictionary<string, string?>
            {
                ["Security:KeyEncryptionCertificate"] = path,
                ["Security:KeyEncryptionCertificatePassword"] = "pfx-password",
            });
            using var browser = app.CreateBrowserLikeClient();
            Assert.Contains("__RequestVerificationToken", await browser.GetStringAsync("account/login", TestContext.Current.CancellationToken), StringComparison.Ordinal);

            await using var connection = await database.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT \"Xml\" FROM data_protection_keys", connection);
            var xml = (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
            Assert.NotNull(xml);
            Assert.Contains("EncryptedXml", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
