using Microsoft.Playwright;
using TovPlay.Logs.Playwright.Shared;
using TovPlay.Logs.Web.Tests.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

/// <summary>
/// The first run as a new user has it: the app with its sandbox, as <c>./run.sh</c> starts it. Data on the home page, an
/// incident played from Admin, its investigation opened from the link, WHO reached in a few clicks, and the answer
/// compared with what really happened; screenshots of each step are kept.
/// </summary>
public sealed class SandboxFirstRunTests(BrowserFixture fixture) : IAsyncLifetime
{
    private SandboxApp _sandbox = null!;

    public async ValueTask InitializeAsync() => _sandbox = await SandboxApp.StartAsync();

    public async ValueTask DisposeAsync() => await _sandbox.DisposeAsync();

    [Fact]
    public async Task ANewUser_PlaysThePsqlTruncate_AndTheWizardNamesPsqlAndTheAddress_AsWhatReallyHappenedSays()
    {
        await using var watched = await WatchedPage.OpenAsync(fixture, _sandbox.App.AppUri);
        await watched.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);
        var page = watched.Page;

        // Data is there before anything is set up: logs and the audit trail arrive, and the sandbox says it is one.
        await Expect(page.GetByTestId("sandbox-chip")).ToHaveTextAsync("Sandbox");
        var flow = page.GetByTestId("data-flow");
        await Expect(flow.Locator("[data-source='Logs (embedded store)']")).ToHaveAttributeAsync("data-state", "Ok");
        await Expect(flow.Locator("[data-source='Audited database']")).ToContainTextAsync("9 of 9 table(s) audited");
        await watched.ScreenshotAsync("sandbox-first-run", "1-home");

        await page.GetByRole(AriaRole.Link, new() { Name = "Admin", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Open the sandbox" }).ClickAsync();
        await Expect(page.GetByTestId("sandbox-phase")).ToHaveTextAsync("Live");
        await page.GetByTestId("play-psql-truncate").ClickAsync();
        var played = page.GetByTestId("played").First;
        await Expect(played).ToHaveAttributeAsync("data-slug", "psql-truncate");
        await watched.ScreenshotAsync("sandbox-first-run", "2-played");

        // From the link to WHO: the investigation opens with its subject and time, WHEN looks at once.
        var clicks = 0;
        await played.GetByTestId("investigate-played").ClickAsync();
        clicks++;
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/investigate/wipe\\?subject=games&around="));
        await Expect(page.GetByTestId("window-explanation")).ToContainTextAsync("Rows removed: ");
        await watched.ScreenshotAsync("sandbox-first-run", "3-when");
        await page.GetByTestId("next").ClickAsync();
        clicks++;
        await Expect(page.GetByTestId("step-what")).ToContainTextAsync("TRUNCATE on public.games removed");
        await page.GetByTestId("next").ClickAsync();
        clicks++;
        var who = page.GetByTestId("step-who");
        await Expect(who).ToContainTextAsync("Database role postgres, from ::1:");
        await Expect(who).ToContainTextAsync("program psql");
        Assert.True(clicks <= 5, $"{clicks} clicks from the link to WHO");
        await watched.ScreenshotAsync("sandbox-first-run", "4-who");
        await page.GetByTestId("next").ClickAsync();
        await Expect(page.GetByTestId("step-why")).ToContainTextAsync("The change did not come through the application");
        await page.GetByTestId("next").ClickAsync();
        var script = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("restore-script").First.ClickAsync());
        Assert.EndsWith(".sql", script.SuggestedFilename);
        Assert.Contains("INSERT INTO", await File.ReadAllTextAsync(await script.PathAsync(), TestContext.Current.CancellationToken));

        // What really happened, revealed on the sandbox page, says the same.
        await page.GotoAsync("admin/sandbox");
        await watched.WaitForCircuitAsync();
        await page.GetByTestId("played").First.GetByTestId("reveal").ClickAsync();
        var story = page.GetByTestId("story");
        await Expect(story).ToContainTextAsync("as the superuser postgres with psql (application_name psql) from ::1");
        await watched.ScreenshotAsync("sandbox-first-run", "5-what-really-happened");
        watched.AssertClean();
    }
}
