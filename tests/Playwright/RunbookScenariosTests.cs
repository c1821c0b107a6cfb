using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TovPlay.Logs.Domain.Sandbox.Incidents;
using TovPlay.Logs.Playwright.Shared;
using TovPlay.Logs.Web.Tests.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

/// <summary>
/// The runbooks' rehearsals as on-call walks them: an incident played from Admin → Sandbox, its link followed into the
/// wizard, and the steps the runbook points at read (their screenshots are the runbooks' pictures).
/// </summary>
public sealed class RunbookScenariosTests(BrowserFixture fixture) : IAsyncLifetime
{
    private SandboxApp _sandbox = null!;

    // Busy enough traffic that a route's 95th percentile has requests to stand on in every minute (as the incident tests run it).
    public async ValueTask InitializeAsync() => _sandbox = await SandboxApp.StartAsync(("Sandbox:RequestsPerMinute", "120"));

    public async ValueTask DisposeAsync() => await _sandbox.DisposeAsync();

    /// <summary>Plays the incident from the sandbox page and follows its link into the wizard; returns the page, WHEN looked at.</summary>
    private async Task<(WatchedPage Watched, IPage Page)> PlayAndInvestigateAsync(string slug, string scenario)
    {
        var watched = await WatchedPage.OpenAsync(fixture, _sandbox.App.AppUri);
        await watched.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);
        var page = watched.Page;
        await page.GotoAsync("admin/sandbox");
        await watched.WaitForCircuitAsync();
        await Expect(page.GetByTestId("sandbox-phase")).ToHaveTextAsync("Live");
        await page.GetByTestId($"play-{slug}").ClickAsync();
        var played = page.GetByTestId("played").First;
        await Expect(played).ToHaveAttributeAsync("data-slug", slug);
        await played.GetByTestId("investigate-played").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/investigate/{scenario}\\?subject="));
        return (watched, page);
    }

    /// <summary>The series WHEN reads for the wizard's address, read again from the app: whether the shift was there to find.</summary>
    private async Task<string> SeriesAsync(string url)
    {
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query);
        var when = new TovPlay.Logs.Web.Model.Investigations.WhenViewModel(
            _sandbox.App.Services.GetRequiredService<TovPlay.Logs.Web.Investigations.ActivityReader>(), TimeProvider.System)
        {
            Scenario = TovPlay.Logs.Domain.Investigations.ScenarioKind.SlowApi,
            Subject = query["subject"],
            Around = query["around"],
        };
        await when.FindAsync(TestContext.Current.CancellationToken);
        return when.WindowExplanation + "\n" + string.Join("\n", (when.Activity?.Series ?? []).Select(s =>
            $"{s.Name}: {string.Join(" ", s.Points.Select(p => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p.Start:HH:mm}={p.Value:0}")))}"))
            + "\n" + string.Join("\n", when.Activity?.Warnings ?? [])
            // Whether the sandbox's backfilled hour was there to read: its own account, and the path's lines in the store.
            + "\n" + await _sandbox.StoreStateAsync("tovplay-backend", "/api/games", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AccountTakeover_WhoNamesTheNewAddress_AndWhySaysTakeover()
    {
        var (watched, page) = await PlayAndInvestigateAsync(AccountIncidents.TakeoverSlug, "account");
        await using var _ = watched;
        await Expect(page.GetByTestId("window-explanation")).ToBeVisibleAsync();

        await page.GetByTestId("next").ClickAsync();
        await Expect(page.GetByTestId("step-what")).ToContainTextAsync("As nico, credentials changed at ");
        await page.GetByTestId("next").ClickAsync();
        var who = page.GetByTestId("step-who");
        await Expect(who).ToContainTextAsync("203.0.113.99: ");
        await Expect(who).ToContainTextAsync("new: first seen at ");
        await watched.ScreenshotAsync("investigate-account", "1-who");
        await page.GetByTestId("next").ClickAsync();
        await Expect(page.GetByTestId("step-why")).ToContainTextAsync("Verdict: nico was probably taken over.");
        await watched.ScreenshotAsync("investigate-account", "2-why");
        await page.GetByTestId("next").ClickAsync();
        await Expect(page.GetByTestId("step-prevent")).ToContainTextAsync("Block 203.0.113.99 at the edge");
        watched.AssertClean();
    }

    [Fact]
    public async Task SlowApi_WhenFindsTheLevelShift_AndWhyNamesTheDeployBeforeIt()
    {
        var (watched, page) = await PlayAndInvestigateAsync(ServiceIncidents.SlowDeploySlug, "slow-api");
        await using var _ = watched;
        // WHEN reads an hour of request times; on a loaded machine that takes longer than an assertion's usual wait.
        try
        {
            await Expect(page.GetByTestId("window-explanation")).ToContainTextAsync("Request time (p95, ms): ", new() { Timeout = 30_000 });
        }
        catch (PlaywrightException missed)
        {
            throw new InvalidOperationException($"{missed.Message}\nWhat WHEN reads for this link now:\n{await SeriesAsync(page.Url)}", missed);
        }

        await Expect(page.GetByTestId("when-log-chart")).ToBeVisibleAsync();
        await watched.ScreenshotAsync("investigate-slow-api", "1-when");

        await page.GetByTestId("next").ClickAsync();
        await Expect(page.GetByTestId("step-what")).ToContainTextAsync("/api/games: 95th percentile ");
        await page.GetByTestId("next").ClickAsync();
        await page.GetByTestId("next").ClickAsync();
        await Expect(page.GetByTestId("step-why")).ToContainTextAsync("deployed version 2.5.0");
        await watched.ScreenshotAsync("investigate-slow-api", "2-why");
        watched.AssertClean();
    }
}
