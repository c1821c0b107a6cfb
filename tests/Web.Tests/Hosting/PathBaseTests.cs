using System.Net;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Hosting;

public sealed class PathBaseTests(WebAppFixture fixture)
{
    private HttpClient RootClient() => new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.App.ServerAddress };

    [Theory]
    [InlineData("/")]
    [InlineData("/logs")]
    public async Task BareRoot_RedirectsIntoPathBase(string path)
    {
        using var client = RootClient();

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/logs/", SignInClient.LocationPath(response));
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/account/login")]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/logsx/healthz")]
    public async Task OutsidePathBase_IsNotFound(string path)
    {
        using var client = RootClient();

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task AMistypedPageAddress_GetsTheAppsNotFoundPage_InTheLayout_WithAWayHome()
    {
        using var browser = await SignInClient.SignedInAsync(fixture.App, await fixture.CreateUserAsync(Domain.Security.AppRoles.Viewer));
        using var request = new HttpRequestMessage(HttpMethod.Get, "serch?query=x");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");

        using var response = await browser.SendAsync(request, TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("<h1", html, StringComparison.Ordinal);
        Assert.Contains(">Not found</h1>", html, StringComparison.Ordinal);
        Assert.Contains("Go to the home page", html, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"Main\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("loki/api/v1/nothing-here", "application/json")]
    [InlineData("js/nothing-here.js", "*/*")]
    public async Task AMissingApiOrAsset_KeepsAPlain404(string path, string accept)
    {
        using var browser = await SignInClient.SignedInAsync(fixture.App, await fixture.CreateUserAsync(Domain.Security.AppRoles.Viewer));
        browser.DefaultRequestHeaders.Accept.Clear();
        browser.DefaultRequestHeaders.Accept.ParseAdd(accept);

        using var response = await browser.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("Not found</h1>", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/logs/_framework/blazor.web.js")]
    [InlineData("/logs/_content/MudBlazor/MudBlazor.min.css")]
    [InlineData("/logs/css/app.css")]
    [InlineData("/logs/js/app.js")]
    public async Task AssetsUnderPathBase_AreServedAnonymously(string path)
    {
        using var client = RootClient();

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task LoginPage_ReferencesOnlyPathsUnderBase()
    {
        using var client = RootClient();

        var html = await client.GetStringAsync("/logs/account/login", TestContext.Current.CancellationToken);

        Assert.Contains("<base href=\"/logs/\"", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("(src|href)=\"/(?!logs/)", html);
    }

    [Fact]
    public async Task AnyResponse_HasSecurityHeaders()
    {
        using var client = RootClient();

        using var response = await client.GetAsync("/logs/account/login", TestContext.Current.CancellationToken);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
    }
}
