using System.Net.Http.Headers;
using Microsoft.Playwright;
using TovPlay.Logs.Domain.Demo;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Playwright.Shared;
using TovPlay.Logs.Web.Demo;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

/// <summary>The wizard for a scenario other than a wipe, in Chromium: the demo error burst, from the home page to a saved report.</summary>
public sealed class InvestigateScenariosTests(BrowserFixture fixture)
{
    [Fact]
    public async Task AnErrorSpike_FromTheHomePage_ProposesItsWindow_NamesTheError_AndIsSaved()
    {
        var token = await fixture.App.CreateApiKeyAsync(ingestionRateBytes: 100_000_000);
        using var push = new HttpClient { BaseAddress = new Uri(fixture.AppUri, "loki/api/v1/") };
        push.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var player = new DemoPlayer(push, (_, _) => throw new InvalidOperationException("The error burst runs no SQL."), TimeProvider.System);
        await player.PlayAsync(new DemoTraffic(Guid.NewGuid().ToString("N")[..8]).Build(DemoIncidentKind.ErrorSpike), TestContext.Current.CancellationToken);

        var (email, password) = await fixture.CreateUserAsync(AppRoles.Investigator);
        await using var watched = await WatchedPage.OpenAsync(fixture);
        await watched.SignInAsync(email, password);
        var page = watched.Page;
        await page.GotoAsync("");
        await watched.WaitForCircuitAsync();

        await page.GetByTestId("scenarios").GetByRole(AriaRole.Link, new() { Name = "Error spike" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/investigate/errors$"));
        await Expect(page.GetByTestId("scenario")).ToHaveTextAsync("Error spike");
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

        await page.GetByTestId("next").ClickAsync();
        await page.GetByTestId("save-investigation").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/investigations/[0-9a-f-]{36}$"));
        await Expect(page.GetByTestId("report-what")).ToContainTextAsync("IntegrityError");
        watched.AssertClean();
    }
}
