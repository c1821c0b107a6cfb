using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Playwright.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

/// <summary>The Search page in real Chromium over lines pushed through the real push API.</summary>
public sealed class SearchTests(BrowserFixture fixture)
{
    private const long Minute = 60_000_000_000L;

    /// <summary>Backend lines of one run, one a minute for the last 50 minutes; every fifth is a DELETE by the run's user.</summary>
    private async Task<(string Run, string User)> SeedAsync()
    {
        var run = Guid.NewGuid().ToString("N")[..12];
        var user = "user-" + run;
        var now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100 / Minute * Minute;
        using var http = new HttpClient { BaseAddress = new Uri(fixture.AppUri, "loki/api/v1/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await fixture.App.CreateApiKeyAsync());
        var values = Enumerable.Range(1, 50).Select(i => new[]
        {
            (now - i * Minute).ToString(System.Globalization.CultureInfo.InvariantCulture),
            i % 5 == 0
                ? JsonSerializer.Serialize(new { level = "warn", action = "DELETE", username = user, run, msg = $"deleted game {i}" })
                : JsonSerializer.Serialize(new { level = i % 7 == 0 ? "error" : "info", action = "GET", username = "someone-else", run, msg = $"request {i}" }),
        }).ToArray();
        var body = JsonSerializer.Serialize(new { streams = new[] { new { stream = new Dictionary<string, string> { ["job"] = "tovplay-backend", ["run"] = run }, values } } });
        using var response = await http.PostAsync("push", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return (run, user);
    }

    private Task<WatchedPage> OpenAsync(string address) => WatchedPage.OpenSignedInAsync(fixture, AppRoles.Viewer, address);

    [Fact]
    public async Task BrushTheChart_RunALibraryQueryWithItsParameters_ExportTheResultAsCsv()
    {
        var (run, user) = await SeedAsync();
        await using var watched = await OpenAsync($"search?query={Uri.EscapeDataString($"{{run=\"{run}\"}}")}&from=now-1h&to=now");
        var page = watched.Page;
        var summary = page.GetByTestId("result-summary");
        await Expect(summary).ToHaveTextAsync("50 lines");
        var chart = page.GetByTestId("volume-chart");
        await Expect(chart.Locator(".apexcharts-bar-area:not([val=\"0\"])").First).ToBeVisibleAsync();

        // Brush the middle of the volume chart: the range becomes absolute and fewer lines are in it.
        var plot = (await chart.Locator(".apexcharts-grid").BoundingBoxAsync())!;
        var y = plot.Y + plot.Height / 2;
        await page.Mouse.MoveAsync(plot.X + plot.Width * 0.3f, y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(plot.X + plot.Width * 0.5f, y, new() { Steps = 5 });
        await page.Mouse.MoveAsync(plot.X + plot.Width * 0.7f, y, new() { Steps = 5 });
        await page.Mouse.UpAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("from=\\d{13}&to=\\d{13}"));
        await Expect(page.GetByTestId("time-range")).ToContainTextAsync(" UTC to ");
        await Expect(summary).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(1\\d|2\\d) lines$"));

        // A library query: its form refuses a missing parameter, then runs with it, in the brushed range.
        await page.GetByRole(AriaRole.Button, new() { Name = "Query library" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByText("Everything one user did").ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Run query" }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("Username is required.");
        await dialog.Locator("#param-username").FillAsync(user);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Run query" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page.GetByLabel("LogQL query")).ToHaveValueAsync($"{{job=\"tovplay-backend\"}} | json | username=\"{user}\"");
        await Expect(summary).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[2-6] lines$"));
        var shown = int.Parse((await summary.TextContentAsync())!.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("from=\\d{13}&to=\\d{13}"));

        // Export: the same lines, as a CSV download.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var rows = (await File.ReadAllTextAsync((await download.PathAsync())!, TestContext.Current.CancellationToken)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("time,timestamp_ns,labels,line", rows[0]);
        Assert.Equal(shown, rows.Length - 1);
        Assert.All(rows.Skip(1), r => Assert.Contains(user, r, StringComparison.Ordinal));
        watched.AssertClean();
    }

    [Fact]
    public async Task MetricQuery_ShowsAChartAndATableInsteadOfLines()
    {
        var (run, _) = await SeedAsync();
        var query = $"sum by (level) (count_over_time({{run=\"{run}\"}} | json [1h]))";
        await using var watched = await OpenAsync($"search?query={Uri.EscapeDataString(query)}&from=now-1h&to=now");
        var page = watched.Page;

        await Expect(page.GetByTestId("metric-chart").Locator(".apexcharts-line").First).ToBeVisibleAsync();
        var table = page.GetByRole(AriaRole.Region, new() { Name = "Series" });
        await Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(4);
        await Expect(table).ToContainTextAsync("{level=\"warn\"}");
        await Expect(page.GetByRole(AriaRole.Log, new() { Name = "Search results" })).ToHaveCountAsync(0);

        // Every series has a colour: the chart library was given no undefined one to warn about.
        var colours = await page.GetByTestId("metric-chart").Locator("path.apexcharts-line").EvaluateAllAsync<string[]>("els => els.map(e => e.getAttribute('stroke'))");
        Assert.Equal(3, colours.Distinct().Count());
        Assert.DoesNotContain(watched.Warnings, w => w.Contains("color", StringComparison.OrdinalIgnoreCase));
        watched.AssertClean();
    }

    [Fact]
    public async Task LimitCutsTheResult_SaysShowingNOfAtLeastM_AndColumnsComeFromTheAddress()
    {
        var (run, _) = await SeedAsync();
        await using var watched = await OpenAsync($"search?query={Uri.EscapeDataString($"{{run=\"{run}\"}} | json")}&from=now-1h&to=now&limit=100&columns=action");
        var page = watched.Page;

        await Expect(page.GetByTestId("result-summary")).ToHaveTextAsync("50 lines");
        var results = page.GetByRole(AriaRole.Log, new() { Name = "Search results" });
        await Expect(results.GetByRole(AriaRole.Columnheader, new() { Name = "action" })).ToBeVisibleAsync();
        await Expect(results.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("GET");

        await page.GetByLabel("Limit").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "100", Exact = true }).ClickAsync();
        await page.GotoAsync($"search?query={Uri.EscapeDataString($"{{run=\"{run}\"}} | json")}&from=now-1h&to=now&limit=20");
        await watched.WaitForCircuitAsync();
        await Expect(page.GetByTestId("result-summary")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Showing 20 of at least 5\\d lines"));
        watched.AssertClean();
    }

    [Fact]
    public async Task TypedQueryAndClickedField_RunAndNarrow_AndLeavingThePageStaysLeft()
    {
        var (run, user) = await SeedAsync();
        await using var watched = await OpenAsync("search?from=now-1h&to=now");
        var page = watched.Page;
        var summary = page.GetByTestId("result-summary");
        var query = page.GetByLabel("LogQL query");

        await query.FillAsync($"{{run=\"{run}\"}} | json");
        await query.PressAsync("Enter");
        await Expect(summary).ToHaveTextAsync("50 lines");

        var results = page.GetByRole(AriaRole.Log, new() { Name = "Search results" });
        await results.GetByRole(AriaRole.Row).Filter(new() { HasText = "deleted game 5\"" }).ClickAsync();
        await page.GetByRole(AriaRole.Region, new() { Name = "Line details" }).GetByRole(AriaRole.Button, new() { Name = $"Only username={user}" }).ClickAsync();
        await Expect(query).ToHaveValueAsync($"{{run=\"{run}\"}} | json | username=\"{user}\"");
        await Expect(summary).ToHaveTextAsync("10 lines");

        // Pressing Enter on the query the address already holds runs it again rather than doing nothing.
        await query.PressAsync("Enter");
        await Expect(summary).ToHaveTextAsync("10 lines");

        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Live", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Live");
        await page.WaitForTimeoutAsync(1000);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Live");
        watched.AssertClean();
    }
}
