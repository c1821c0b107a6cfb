using Microsoft.Playwright;
using TovPlay.Logs.Playwright.Shared;
using TovPlay.Logs.Web.Tests.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

/// <summary>
/// The app started with <c>--no-sandbox</c> and nothing connected: every place that needs a missing source says so in
/// one line with what to set, nothing is marked done, and nothing claims "nothing found" when it could not look.
/// </summary>
public sealed class NotSetUpTests(BrowserFixture fixture) : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private TestApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("not_set_up");
        _app = new TestApp(_database.ConnectionString, new Dictionary<string, string?> { ["Sandbox:Enabled"] = "false" });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task WithoutAnAuditedDatabase_EveryStepSaysWhatIsMissing_AndNothingIsDoneOrEmpty()
    {
        await using var watched = await WatchedPage.OpenAsync(fixture, _app.AppUri);
        await watched.SignInAsync(TestApp.AdminEmail, TestApp.AdminPassword);
        var page = watched.Page;

        await Expect(page.GetByTestId("sandbox-chip")).ToHaveCountAsync(0);
        var flow = page.GetByTestId("data-flow");
        await Expect(flow.Locator("[data-source='Audited database']")).ToHaveAttributeAsync("data-state", "NotConfigured");
        await Expect(flow.Locator("[data-source='Logs (embedded store)']")).ToHaveAttributeAsync("data-state", "Quiet");
        await watched.ScreenshotAsync("not-set-up", "1-home");

        await page.GetByTestId("scenarios").GetByRole(AriaRole.Link, new() { Name = "Data deleted or wiped" }).ClickAsync();
        await Expect(page.GetByTestId("missing-source")).ToContainTextAsync("no audited database is configured");
        await Expect(page.GetByTestId("missing-source-fix")).ToHaveAttributeAsync("href", "admin/status#connect");
        await page.GetByLabel("From").FillAsync("now-1h");
        await page.GetByTestId("find-window").ClickAsync();
        await Expect(page.GetByTestId("window")).ToBeVisibleAsync();
        foreach (var step in new[] { "what", "who", "why" })
        {
            await page.GetByTestId("next").ClickAsync();
            await Expect(page.GetByTestId("step-" + step).GetByTestId("unknown")).ToContainTextAsync("no audited database is configured (Audit:TargetConnection)");
        }

        await page.GetByTestId("next").ClickAsync();
        await Expect(page.GetByTestId("recover-unavailable")).ToContainTextAsync("Restoring needs the audited database, which is not configured");
        await Expect(page.GetByTestId("step-recover")).Not.ToContainTextAsync("Nothing to restore");
        await watched.ScreenshotAsync("not-set-up", "2-recover");
        // Only WHEN is marked done: the later answers lack the source they need.
        var done = page.Locator(".mud-step-completed, .mud-stepper-nav-step.completed");
        await Expect(done).ToHaveCountAsync(1);
        await Expect(done).ToContainTextAsync("WHEN");
        await Expect(page.GetByTestId("step-prevent")).ToContainTextAsync("No recommendation yet");

        await page.GotoAsync("audit");
        await watched.WaitForCircuitAsync();
        await Expect(page.GetByTestId("audit-not-configured")).ToContainTextAsync("No audited database is configured");
        await Expect(page.GetByTestId("export-csv")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("window-script")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("statements")).Not.ToContainTextAsync("No audited statements match");
        await watched.ScreenshotAsync("not-set-up", "3-audit");

        // A download the server refuses (a shared export link, here) shows its reason on the page.
        await page.EvaluateAsync("""
            () => { const a = document.createElement("a"); a.href = "api/audit/export?format=csv"; a.download = ""; a.textContent = "shared export"; a.id = "shared-export"; document.querySelector(".mud-main-content").prepend(a); }
            """);
        await page.Locator("#shared-export").ClickAsync();
        await Expect(page.GetByTestId("download-error")).ToContainTextAsync("The download failed (409): No audited database: set Audit:TargetConnection.");
        await page.GetByTestId("download-error").GetByRole(AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();
        await Expect(page.GetByTestId("download-error")).ToHaveCountAsync(0);

        await page.GotoAsync("admin/status");
        await watched.WaitForCircuitAsync();
        await Expect(page.GetByTestId("sources").Locator("[data-source='Sandbox']")).ToContainTextAsync("The sandbox is off");
        await Expect(page.GetByTestId("promtail-snippet")).ToContainTextAsync(_app.AppUri + "loki/api/v1/push");

        // Connect, step 1: a push key made here lands in promtail's configuration, in full, once.
        await page.GetByLabel("Key name").FillAsync("");
        await page.GetByLabel("Key name").PressSequentiallyAsync("promtail on api-1");
        await page.GetByTestId("create-push-key").ClickAsync();
        await Expect(page.GetByTestId("push-key-once")).ToContainTextAsync("The key \"promtail on api-1\" is in the configuration below, in full, and is shown only now");
        await Expect(page.GetByTestId("promtail-snippet")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("bearer_token: \"tpl_[A-Za-z0-9_-]{20,}\""));
        await page.GetByTestId("check-audit").GetByRole(AriaRole.Button, new() { Name = "Check this step" }).ClickAsync();
        await Expect(page.GetByTestId("check-audit").GetByTestId("source-check")).ToHaveAttributeAsync("data-state", "NotConfigured");
        await watched.ScreenshotAsync("not-set-up", "4-connect");
        // The refused download is the one 4xx this walk provokes on purpose.
        watched.AssertClean("HTTP 409: GET " + _app.AppUri + "api/audit/export?format=csv",
            "console error: Failed to load resource: the server responded with a status of 409 (Conflict)");
    }
}
