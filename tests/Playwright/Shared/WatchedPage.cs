using Microsoft.Playwright;

namespace TovPlay.Logs.Playwright.Shared;

/// <summary>
/// A browser page that records every console error, page error, failed or 4xx/5xx request, and any request
/// that leaves /logs/ on the app's server. A test ends with <see cref="AssertClean"/>.
/// </summary>
public sealed class WatchedPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _problems = [];
    private readonly List<string> _warnings = [];
    private readonly string _appPrefix;

    private WatchedPage(IBrowserContext context, IPage page, Uri appUri)
    {
        _context = context;
        Page = page;
        _appPrefix = appUri.ToString();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Record($"console error: {message.Text}");
            }
            else if (message.Type == "warning")
            {
                lock (_warnings)
                {
                    _warnings.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) => Record($"page error: {error}");
        page.RequestFailed += (_, request) => Record($"request failed: {request.Method} {request.Url} ({request.Failure})");
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(_appPrefix, StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                Record($"request outside /logs/: {request.Method} {request.Url}");
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                Record($"HTTP {response.Status}: {response.Request.Method} {response.Url}");
            }
        };
    }

    public IPage Page { get; }

    /// <summary>The console's warnings so far (a library complaining about what it was given).</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (_warnings)
            {
                return [.. _warnings];
            }
        }
    }

    public static Task<WatchedPage> OpenAsync(BrowserFixture fixture) => OpenAsync(fixture, fixture.AppUri);

    /// <summary>A page signed in as a new user of <paramref name="role"/>, at <paramref name="address"/> with its circuit up.</summary>
    public static async Task<WatchedPage> OpenSignedInAsync(BrowserFixture fixture, string role, string address)
    {
        var (email, password) = await fixture.CreateUserAsync(role);
        var watched = await OpenAsync(fixture);
        await watched.SignInAsync(email, password);
        await watched.Page.GotoAsync(address);
        await watched.WaitForCircuitAsync();
        return watched;
    }

    /// <summary>A page of another app than the fixture's (one a test starts for itself).</summary>
    public static async Task<WatchedPage> OpenAsync(BrowserFixture fixture, Uri appUri)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = appUri.ToString() });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        return new WatchedPage(context, page, appUri);
    }

    /// <summary>
    /// A full-page picture of where the test is, kept under the test output's <c>screenshots/&lt;name&gt;/</c> (the path
    /// is returned, so a failing step can be looked at).
    /// </summary>
    public async Task<string> ScreenshotAsync(string name, string step)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", name, step + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    private void Record(string problem)
    {
        lock (_problems)
        {
            _problems.Add(problem);
        }
    }

    /// <param name="allow">Problems the test provokes on purpose (recorded word for word), not counted.</param>
    public void AssertClean(params string[] allow)
    {
        lock (_problems)
        {
            var problems = _problems.Where(p => !allow.Contains(p)).ToList();
            Assert.True(problems.Count == 0, "The browser saw problems:\n" + string.Join("\n", problems));
        }
    }

    /// <summary>Pages are prerendered; clicks only work once the circuit is up, which the shell shows.</summary>
    public Task WaitForCircuitAsync() =>
        Assertions.Expect(Page.GetByTestId("circuit-status")).ToHaveTextAsync("Connected");

    public async Task SignInAsync(string email, string password)
    {
        await Page.GotoAsync("");
        await Assertions.Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/logs/account/login"));
        await Page.GetByLabel("Email").FillAsync(email);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/logs/$"));
        await WaitForCircuitAsync();
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
