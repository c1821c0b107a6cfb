using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TovPlay.Logs.Web.Security;
using TovPlay.Logs.Web.Tests.Shared;

[assembly: AssemblyFixture(typeof(TovPlay.Logs.Playwright.Shared.BrowserFixture))]

namespace TovPlay.Logs.Playwright.Shared;

/// <summary>
/// The real app on 127.0.0.1 with its own database, and Debian's Chromium driven by Playwright
/// (its own browser download cannot run here).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private TestDatabase? _database;
    private TestApp? _app;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public TestApp App => _app ?? throw new InvalidOperationException("Fixture not initialised.");

    public Uri AppUri { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("browser_tests");
        // A small viewer buffer, so that one large push overflows a live view as a slow browser would.
        _app = new TestApp(_database.ConnectionString, new Dictionary<string, string?> { ["Tail:ViewerBufferLines"] = "200" });
        AppUri = _app.AppUri;
        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PLAYWRIGHT_CHROMIUM_EXECUTABLE") ?? "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    public Task<(string Email, string Password)> CreateUserAsync(string role) => App.CreateUserAsync(role);
}
