using Microsoft.Playwright;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Playwright.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

/// <summary>The wiped-table investigation in Chromium: from a table name to who, how, and the restore script.</summary>
public sealed class InvestigateTests(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly string _table = "vault_" + Guid.NewGuid().ToString("N")[..8];

    public async ValueTask InitializeAsync()
    {
        await fixture.ExecuteAuditedAsync($"CREATE TABLE {_table} (id bigint PRIMARY KEY, item text NOT NULL)");
        await fixture.AuditTablesAsync(_table);
        await fixture.ExecuteAuditedAsync($"INSERT INTO {_table} SELECT g, 'sword ' || g FROM generate_series(1, 12) g");
        await fixture.ExecuteAuditedAsync($"SET application_name = 'psql'; TRUNCATE {_table};");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task AWipedTable_WhatWhoAndHow_EachSayingHowItIsKnown_ThenTheRestoreScript()
    {
        var (email, password) = await fixture.CreateUserAsync(AppRoles.Investigator);
        await using var watched = await WatchedPage.OpenAsync(fixture);
        await watched.SignInAsync(email, password);
        var page = watched.Page;
        await page.GotoAsync("");
        await watched.WaitForCircuitAsync();

        // From the home page: the scenario (1), the window (2), WHAT (3), WHO (4).
        var clicks = 0;
        await page.GetByTestId("scenarios").GetByRole(AriaRole.Link, new() { Name = "Data deleted or wiped" }).ClickAsync();
        clicks++;
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/investigate"));
        await page.GetByLabel("Table").FillAsync(_table);
        await page.GetByLabel("From").FillAsync("now-1h");
        await page.GetByTestId("find-window").ClickAsync();
        clicks++;
        await Expect(page.GetByTestId("window-explanation")).ToContainTextAsync("Rows removed: ");
        await Expect(page.GetByTestId("when-audit-chart")).ToBeVisibleAsync();
        await watched.ScreenshotAsync("investigate-wipe", "1-when");

        await page.GetByTestId("next").ClickAsync();
        clicks++;
        await Expect(page.GetByTestId("step-what")).ToContainTextAsync($"TRUNCATE on public.{_table} removed 12 row(s)");
        await Expect(page.GetByTestId("step-what").GetByTestId("basis").First).ToHaveTextAsync("audit trail · direct evidence");
        await page.GetByLabel("Search the removed rows").FillAsync("sword 7");
        await Expect(page.GetByTestId("removed-rows-count")).ToContainTextAsync("1 of 12 row(s) shown");
        await watched.ScreenshotAsync("investigate-wipe", "2-what");

        await page.GetByTestId("next").ClickAsync();
        clicks++;
        await Expect(page.GetByTestId("step-who")).ToContainTextAsync("program psql");
        Assert.True(clicks <= 5, $"{clicks} clicks from the home page to WHO");
        await watched.ScreenshotAsync("investigate-wipe", "3-who");

        await page.GetByTestId("next").ClickAsync();
        await Expect(page.GetByTestId("step-why")).ToContainTextAsync("The change did not come through the application");
        await Expect(page.GetByTestId("step-why").GetByTestId("unknown").First).ToContainTextAsync("the request behind it");
        await Expect(page.GetByTestId("step-why").GetByTestId("unknown").Nth(1)).ToContainTextAsync("in PostgreSQL's own log");
        await watched.ScreenshotAsync("investigate-wipe", "4-why");

        await page.GetByTestId("next").ClickAsync();
        await Expect(page.GetByTestId("step-prevent")).ToContainTextAsync("Stop working as the superuser postgres");
        await Expect(page.GetByTestId("step-prevent")).ToContainTextAsync($"Guard public.{_table} against mass changes");
        await watched.ScreenshotAsync("investigate-wipe", "5-prevent-recover");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("restore-script").ClickAsync());
        var script = await File.ReadAllTextAsync((await download.PathAsync())!, TestContext.Current.CancellationToken);
        Assert.Contains("sword 12", script);

        // REPORT: saved, reopened from the list, exported, closed with a note.
        await page.GetByTestId("next").ClickAsync();
        await page.GetByLabel("Title").FillAsync($"Wipe of {_table}");
        await page.GetByTestId("save-investigation").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/investigations/[0-9a-f-]{36}$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Wipe of {_table}");
        await Expect(page.GetByTestId("report-who")).ToContainTextAsync("program psql");
        await watched.ScreenshotAsync("investigate-wipe", "6-report");
        var markdown = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-md").ClickAsync());
        var text = await File.ReadAllTextAsync((await markdown.PathAsync())!, TestContext.Current.CancellationToken);
        // Markdown's own characters in the title are escaped.
        Assert.Contains($"# Wipe of {_table.Replace("_", "\\_", StringComparison.Ordinal)}", text);
        Assert.Contains("program psql", text);
        Assert.Contains("(audit trail · direct evidence)", text);

        await page.GetByTestId("status").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Closed" }).ClickAsync();
        await page.GetByLabel("Notes").FillAsync("Restored from the script; postgres access moved behind the bastion.");
        await page.GetByTestId("save-notes").ClickAsync();
        await Expect(page.GetByText("Saved.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Investigations", Exact = true }).ClickAsync();
        var row = page.GetByTestId("investigations").GetByRole(AriaRole.Row).Filter(new() { HasText = $"Wipe of {_table}" });
        await Expect(row).ToContainTextAsync("Closed");
        watched.AssertClean();
    }
}
