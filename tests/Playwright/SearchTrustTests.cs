using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Playwright.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

/// <summary>
/// Search as a person uses it, where it once misled: typing a query and clicking RUN, the volume chart's bars against
/// the lines' times, a shared link that cannot run, a parse error after results, and the details panel's width.
/// </summary>
public sealed partial class SearchTrustTests(BrowserFixture fixture)
{
    private const long Second = 1_000_000_000L;

    /// <summary>Pushes lines of one run at the given times (one stream, no level label).</summary>
    private async Task PushAsync(string run, IEnumerable<(long Ns, string Line)> lines)
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.AppUri, "loki/api/v1/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await fixture.App.CreateApiKeyAsync());
        var values = lines.Select(l => new[] { l.Ns.ToString(CultureInfo.InvariantCulture), l.Line }).ToArray();
        var body = JsonSerializer.Serialize(new { streams = new[] { new { stream = new Dictionary<string, string> { ["job"] = "tovplay-backend", ["run"] = run }, values } } });
        using var response = await http.PostAsync("push", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private Task<WatchedPage> OpenAsync(string address) => WatchedPage.OpenSignedInAsync(fixture, AppRoles.Viewer, address);

    private static long NowNs => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;

    private static string Q(string value) => Uri.EscapeDataString(value);

    [Fact]
    public async Task TypingAQueryAndClickingRun_RunsWhatWasTyped_AndItsOneBarStandsAtItsLinesTime()
    {
        // Five lines 5-9 s into one 30 s bucket 20 minutes ago, and 50 unrelated lines across the hour.
        var bucketStart = (NowNs - (20 * 60 * Second)) / (30 * Second) * (30 * Second);
        var few = Guid.NewGuid().ToString("N")[..12];
        var many = Guid.NewGuid().ToString("N")[..12];
        await PushAsync(few, Enumerable.Range(5, 5).Select(i => (bucketStart + (i * Second), $"few line {i}")));
        await PushAsync(many, Enumerable.Range(1, 50).Select(i => (NowNs - (i * 60 * Second), $"unrelated line {i}")));
        await using var watched = await OpenAsync($"search?query={Q($"{{run=\"{many}\"}}")}&from=now-1h&to=now");
        var page = watched.Page;
        var summary = page.GetByTestId("result-summary");
        await Expect(summary).ToHaveTextAsync("50 lines");

        var box = page.GetByLabel("LogQL query");
        await box.ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync($"{{run=\"{few}\"}}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();

        await Expect(summary).ToHaveTextAsync("5 lines");
        await Expect(page).ToHaveURLAsync(new Regex(few));
        var bars = page.GetByTestId("volume-chart").Locator(".apexcharts-bar-area:not([val=\"0\"])");
        await Expect(bars).ToHaveCountAsync(1);
        await Expect(bars).ToHaveAttributeAsync("val", "5");

        // The bar's middle, read against the axis labels' times, is the bucket's middle; it is one bucket wide.
        var labels = await page.GetByTestId("volume-chart").Locator(".apexcharts-xaxis-label").EvaluateAllAsync<AxisLabel[]>(
            "els => els.map(e => { const r = e.getBoundingClientRect(); return { text: (e.querySelector('tspan') || e).textContent.trim(), x: r.x + r.width / 2 }; })");
        var ticks = labels.Where(l => HourMinute().IsMatch(l.Text)).Select(l => (Time: LabelTime(l.Text), l.X)).OrderBy(t => t.X).ToList();
        Assert.True(ticks.Count >= 2, "the axis shows at least two times: " + string.Join(", ", labels.Select(l => l.Text)));
        var (first, last) = (ticks[0], ticks[^1]);
        var msPerPixel = (last.Time - first.Time).TotalMilliseconds / (last.X - first.X);
        var bar = (await bars.BoundingBoxAsync())!;
        var barMiddle = first.Time.AddMilliseconds((bar.X + (bar.Width / 2) - first.X) * msPerPixel);
        var bucketMiddle = DateTimeOffset.UnixEpoch.AddTicks((bucketStart + (15 * Second)) / 100);
        Assert.True(Math.Abs((barMiddle - bucketMiddle).TotalSeconds) < 15, $"the bar stands at {barMiddle:HH:mm:ss}, its lines' bucket is around {bucketMiddle:HH:mm:ss}");
        Assert.InRange(bar.Width * msPerPixel, 5_000, 45_000);

        // Its tooltip names the bucket it counts.
        await bars.HoverAsync();
        var bucket = DateTimeOffset.UnixEpoch.AddTicks(bucketStart / 100);
        await Expect(page.GetByTestId("volume-chart").Locator(".apexcharts-tooltip-title"))
            .ToHaveTextAsync($"{bucket:yyyy-MM-dd HH:mm:ss} to {bucket.AddSeconds(30):HH:mm:ss}");
        watched.AssertClean();
    }

    [Fact]
    public async Task ASharedLinkThatCannotRun_KeepsWhatWasTyped_SaysWhy_AndRunsNothingUntilItIsFixed()
    {
        var run = Guid.NewGuid().ToString("N")[..12];
        await PushAsync(run, Enumerable.Range(1, 3).Select(i => (NowNs - (i * 60 * Second), $"line {i}")));
        var typed = $"{{run=\"{run}\"}} |= ";
        await using var watched = await OpenAsync($"search?query={Q(typed)}&from=now-400d&to=now");
        var page = watched.Page;
        var box = page.GetByLabel("LogQL query");
        var results = page.GetByRole(AriaRole.Log, new() { Name = "Search results" });

        await Expect(box).ToHaveValueAsync(typed);
        await Expect(page.GetByText(new Regex($"^parse error at line 1, col {typed.Length + 1}: syntax error: unexpected \\$end"))).ToBeVisibleAsync();
        await Expect(page.GetByTestId("range-error")).ToContainTextAsync("Nothing was searched: The time range is longer than 30 days.");
        await Expect(page.GetByTestId("time-range")).ToHaveTextAsync("now-400d to now (not searched)");
        await Expect(results.GetByRole(AriaRole.Row)).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("volume-chart")).ToHaveCountAsync(0);

        // The offered range replaces the refused one; the query still waits, as typed.
        await page.GetByRole(AriaRole.Button, new() { Name = "Search Last 30 days instead" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("from=now-30d"));
        await Expect(page.GetByTestId("range-error")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("time-range")).ToHaveTextAsync("Last 30 days");
        await Expect(box).ToHaveValueAsync(typed);
        await Expect(results.GetByRole(AriaRole.Row)).ToHaveCountAsync(0);

        // Finishing the query and clicking RUN runs it.
        await box.ClickAsync();
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.TypeAsync("\"line\"");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("result-summary")).ToHaveTextAsync("3 lines");

        // A parse error after that takes its results and chart away instead of leaving them under the error.
        await box.ClickAsync();
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.TypeAsync(" |=");
        await box.PressAsync("Enter");
        await Expect(page.GetByText(new Regex("^parse error at line 1, col"))).ToBeVisibleAsync();
        await Expect(results.GetByRole(AriaRole.Row)).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("volume-chart")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("result-summary")).ToHaveTextAsync("");
        watched.AssertClean();
    }

    [Fact]
    public async Task ALongLineAndLongValues_KeepThePageItsWidth_AndTheHeadersStandOverTheirCells()
    {
        var run = Guid.NewGuid().ToString("N")[..12];
        var token = new string('x', 3000);
        await PushAsync(run, [(NowNs - Second, JsonSerializer.Serialize(new { user = "alice", blob = token, msg = "wide" }))]);
        await using var watched = await OpenAsync($"search?query={Q($"{{run=\"{run}\"}} | json")}&from=now-1h&to=now&columns=user");
        var page = watched.Page;
        var results = page.GetByRole(AriaRole.Log, new() { Name = "Search results" });
        await Expect(page.GetByTestId("result-summary")).ToHaveTextAsync("1 line");

        // Each header's left edge is its column's.
        var headers = results.GetByRole(AriaRole.Columnheader);
        var row = results.GetByRole(AriaRole.Row).Nth(1);
        foreach (var (header, cell) in new[] { ("Time", ".live-time"), ("Level", ".live-level"), ("user", ".live-column"), ("Line", ".line") })
        {
            var h = (await headers.Filter(new() { HasText = header }).First.BoundingBoxAsync())!;
            var c = (await row.Locator(cell).First.BoundingBoxAsync())!;
            Assert.True(Math.Abs(h.X - c.X) < 2, $"the {header} header starts at {h.X}, its cells at {c.X}");
        }

        await row.ClickAsync();
        var details = page.GetByRole(AriaRole.Region, new() { Name = "Line details" });
        await Expect(details).ToBeVisibleAsync();
        var viewport = page.ViewportSize!.Width;
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= viewport, "the page grew wider than the window");
        var context = (await details.GetByRole(AriaRole.Button, new() { Name = "Show context" }).BoundingBoxAsync())!;
        Assert.True(context.X + context.Width <= viewport, "Show context is cut off");
        watched.AssertClean();
    }

    [Fact]
    public async Task AnOrderThatIsNotOne_IsRefusedByName_AndOneClickSearchesInAnOrderThatIs()
    {
        var run = Guid.NewGuid().ToString("N")[..12];
        await PushAsync(run, Enumerable.Range(1, 3).Select(i => (NowNs - (i * 60 * Second), $"line {i}")));
        await using var watched = await OpenAsync($"search?query={Q($"{{run=\"{run}\"}}")}&from=now-1h&to=now&direction=sideways");
        var page = watched.Page;

        await Expect(page.GetByTestId("direction-error")).ToContainTextAsync("The address asks for the order 'sideways'");
        await Expect(page.GetByRole(AriaRole.Log, new() { Name = "Search results" }).GetByRole(AriaRole.Row)).ToHaveCountAsync(0);

        // The select already shows "Newest first", so choosing it changes nothing; the alert's button and RUN do.
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("result-summary")).ToHaveTextAsync("3 lines");
        await Expect(page).Not.ToHaveURLAsync(new Regex("sideways"));
        await Expect(page.GetByRole(AriaRole.Log, new() { Name = "Search results" }).GetByRole(AriaRole.Row).First).ToContainTextAsync("line 1");
        watched.AssertClean();
    }

    [Fact]
    public async Task AQueryPastTheLimit_IsKeptWhole_AndRefusedWithItsLength()
    {
        await using var watched = await OpenAsync("search?from=now-1h&to=now");
        var page = watched.Page;
        var box = page.GetByLabel("LogQL query");
        // 30,000 two-byte characters: past the query limit, and past what a circuit message held by default.
        var query = "{job=\"tovplay-backend\"} |= \"" + new string('é', 30_000) + "\"";

        await box.FillAsync(query);
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();

        await Expect(box).ToHaveValueAsync(query);
        await Expect(page.GetByText($"The query is {query.Length:N0} characters long; the limit is 10,000.")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("circuit-status")).ToHaveTextAsync("Connected");
        watched.AssertClean();
    }

    [Fact]
    public async Task AMistypedAddress_ShowsTheAppsNotFoundPage_WithAWayHome()
    {
        await using var watched = await OpenAsync("serch?query=x");
        var page = watched.Page;

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Not found");
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToBeVisibleAsync();
        await page.GetByText("Go to the home page").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/logs/$"));
        // The page's own 404 status is what the browser reports, and all it reports.
        watched.AssertClean($"HTTP 404: GET {fixture.AppUri}serch?query=x", "console error: Failed to load resource: the server responded with a status of 404 (Not Found)");
    }

    private static DateTimeOffset LabelTime(string text)
    {
        var now = DateTimeOffset.UtcNow;
        var time = new DateTimeOffset(now.Year, now.Month, now.Day, int.Parse(text[..2], CultureInfo.InvariantCulture), int.Parse(text[3..5], CultureInfo.InvariantCulture),
            text.Length > 5 ? int.Parse(text[6..], CultureInfo.InvariantCulture) : 0, TimeSpan.Zero);
        return time > now.AddMinutes(30) ? time.AddDays(-1) : time;
    }

    [GeneratedRegex("^\\d{2}:\\d{2}(:\\d{2})?$")]
    private static partial Regex HourMinute();

    private sealed class AxisLabel
    {
        public string Text { get; set; } = "";

        public double X { get; set; }
    }
}
