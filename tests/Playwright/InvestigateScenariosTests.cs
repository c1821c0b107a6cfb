using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TovPlay.Logs.Domain.Sandbox.Incidents;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Playwright.Shared;
using TovPlay.Logs.Web.Sandbox;
using TovPlay.Logs.Web.Tests.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

/// <summary>The wizard for a scenario other than a wipe, in Chromium: the sandbox's error burst over its live traffic, from the home page to a saved report.</summary>
public sealed class InvestigateScenariosTests(BrowserFixture fixture) : IAsyncLifetime
{
    private SandboxApp _sandbox = null!;

    public async ValueTask InitializeAsync() => _sandbox = await SandboxApp.StartAsync();

    public async ValueTask DisposeAsync() => await _sandbox.DisposeAsync();

    [Fact]
    public async Task AnErrorSpike_FromTheHomePage_ProposesItsWindow_NamesTheError_AndIsSaved()
    {
        var admin = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "tests")], "tests"));
        await _sandbox.App.Services.GetRequiredService<IncidentPlayer>().PlayAsync(ServiceIncidents.ErrorBurstSlug, admin, TestContext.Current.CancellationToken);

        // An Admin, who may also turn the PREVENT step's alert into a rule.
        var (email, password) = await _sandbox.App.CreateUserAsync(AppRoles.Admin);
        await using var watched = await WatchedPage.OpenAsync(fixture, _sandbox.App.AppUri);
        await watched.SignInAsync(email, password);
        var page = watched.Page;
        await page.GotoAsync("");
        await watched.WaitForCircuitAsync();

        await page.GetByTestId("scenarios").GetByRole(AriaRole.Link, new() { Name = "Error spike" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/investigate/errors$"));
        await Expect(page.GetByTestId("scenario")).ToHaveTextAsync("Error spike");
        await watched.WaitForCircuitAsync();
        await page.GetByLabel("From").FillAsync("now-2h");
        await page.GetByTestId("find-window").ClickAsync();
        await Expect(page.GetByTestId("window-explanation")).ToContainTextAsync("Errors: ");
        await Expect(page.GetByTestId("when-log-chart")).ToBeVisibleAsync();
        await watched.ScreenshotAsync("investigate-errors", "1-when");

        await page.GetByTestId("next").ClickAsync();
        await Expect(page.GetByTestId("step-what")).ToContainTextAsync("IntegrityError: duplicate key value violates unique constraint \"lobbies_pkey\" at /api/lobbies");
        await page.GetByTestId("next").ClickAsync();
        await Expect(page.GetByTestId("step-who")).ToContainTextAsync("user(s) hit errors");
        await page.GetByTestId("next").ClickAsync();
        await Expect(page.GetByTestId("step-why")).ToContainTextAsync("config reload: lobby pool size 5");
        await Expect(page.GetByTestId("step-why").GetByTestId("timeline-link").First).ToBeVisibleAsync();
        await page.GetByTestId("next").ClickAsync();
        await Expect(page.GetByTestId("step-prevent")).ToContainTextAsync("Alert on error bursts");
        await watched.ScreenshotAsync("investigate-errors", "2-prevent");

        // "Create this alert rule", opened beside the wizard as a person would (Ctrl+click): the form holds the
        // recommendation's query, which compares by itself, a name, why, and the way back; replayed over the last
        // hour, it would have caught this burst.
        var opened = page.Context.WaitForPageAsync();
        await page.GetByTestId("create-alert-rule").First.ClickAsync(new() { Modifiers = [KeyboardModifier.Control] });
        var form = await opened;
        await Expect(form.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("New alert rule");
        await Expect(form.GetByTestId("circuit-status")).ToHaveTextAsync("Connected");
        await Expect(form.GetByText("Pre-filled from the investigation's PREVENT step")).ToBeVisibleAsync();
        await Expect(form.Locator("#rule-query")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^sum\\(count_over_time\\(.*\\) > [0-9]+$"));
        await Expect(form.Locator("#rule-name")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^ErrorBursts"));
        await Expect(form.GetByLabel("Fire for every series returned (the query compares)")).ToBeCheckedAsync();
        await form.GetByTestId("backtest-window").ClickAsync();
        await form.GetByRole(AriaRole.Option, new() { Name = "6 hours" }).ClickAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Run backtest" }).ClickAsync();
        await Expect(form.GetByTestId("backtest-summary")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("it would have fired [1-9][0-9]* time"));
        await form.GetByRole(AriaRole.Button, new() { Name = "Save rule" }).ClickAsync();
        await Expect(form.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^ErrorBursts"));
        await Expect(form.GetByTestId("rule-query")).ToContainTextAsync("count_over_time");
        await form.CloseAsync();

        await page.GetByTestId("next").ClickAsync();
        await page.GetByTestId("save-investigation").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/investigations/[0-9a-f-]{36}$"));
        await Expect(page.GetByTestId("report-what")).ToContainTextAsync("IntegrityError");
        watched.AssertClean();
    }
}
