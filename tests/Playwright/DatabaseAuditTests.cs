using Microsoft.Playwright;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Playwright.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

/// <summary>The Admin page that installs the audit trail, against a real TovPlay-like database.</summary>
public sealed class DatabaseAuditTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Admin_PreviewsTheSql_InstallsOnATable_ThenRemovesIt()
    {
        var (email, password) = await fixture.CreateUserAsync(AppRoles.Admin);
        await using var watched = await WatchedPage.OpenAsync(fixture);
        await watched.SignInAsync(email, password);
        var page = watched.Page;
        await page.GotoAsync("admin/database-audit");
        await watched.WaitForCircuitAsync();
        var players = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "public.players" });
        await Expect(players).ToContainTextAsync("Not audited");
        await Expect(page.GetByTestId("audit-limits")).ToContainTextAsync("session_replication_role = replica");

        await players.GetByRole(AriaRole.Checkbox).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview SQL" }).ClickAsync();
        var preview = page.GetByRole(AriaRole.Dialog);
        await Expect(preview).ToContainTextAsync("CREATE TRIGGER tovplay_audit_truncate BEFORE TRUNCATE ON \"public\".\"players\"");
        await preview.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Install on selected" }).ClickAsync();

        await Expect(players).ToContainTextAsync("Audited");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "public.matches" })).ToContainTextAsync("Not audited");
        // Other tests add audited tables of their own to this database, so only the shape of the count is fixed.
        await Expect(page.GetByText(new System.Text.RegularExpressions.Regex(@"^[1-9]\d* of \d+ audited"))).ToBeVisibleAsync();

        await players.GetByRole(AriaRole.Checkbox).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove from selected" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(players).ToContainTextAsync("Not audited");
        watched.AssertClean();
    }

    [Fact]
    public async Task Investigator_IsNotLetIn()
    {
        var (email, password) = await fixture.CreateUserAsync(AppRoles.Investigator);
        await using var watched = await WatchedPage.OpenAsync(fixture);
        await watched.SignInAsync(email, password);

        await watched.Page.GotoAsync("admin/database-audit");

        await Expect(watched.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "public.players" })).ToHaveCountAsync(0);
        await Expect(watched.Page.GetByText("Access denied", new() { Exact = false }).First).ToBeVisibleAsync();
    }
}
