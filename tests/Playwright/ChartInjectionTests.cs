using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Playwright.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

/// <summary>
/// Markup in a label value, pushed by anyone with a push key, once became real elements in a chart's legend (the
/// chart library writes series names as HTML). Here it must show as the text it is.
/// </summary>
public sealed class ChartInjectionTests(BrowserFixture fixture)
{
    private const string Hostile = "<b id=\"pwn\">bold</b><img id=\"pwn-img\" src=\"x\" onerror=\"window.pwned=1\"><a id=\"pwn-link\" href=\"https://evil.example\">link</a>";

    [Fact]
    public async Task ALabelValueHoldingMarkup_ShowsAsTextInTheLegendAndTooltip_AndNoElementIsMade()
    {
        var run = Guid.NewGuid().ToString("N")[..12];
        var now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        using var http = new HttpClient { BaseAddress = new Uri(fixture.AppUri, "loki/api/v1/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await fixture.App.CreateApiKeyAsync());
        foreach (var value in new[] { Hostile, "plain" })
        {
            var values = Enumerable.Range(1, 20).Select(i => new[] { (now - i * 60_000_000_000L).ToString(System.Globalization.CultureInfo.InvariantCulture), $"line {i}" }).ToArray();
            var body = JsonSerializer.Serialize(new { streams = new[] { new { stream = new Dictionary<string, string> { ["job"] = "chart-injection", ["run"] = run, ["v"] = value }, values } } });
            using var response = await http.PostAsync("push", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        var (email, password) = await fixture.CreateUserAsync(AppRoles.Viewer);
        await using var watched = await WatchedPage.OpenAsync(fixture);
        await watched.SignInAsync(email, password);
        var query = $"sum by (v) (count_over_time({{run=\"{run}\"}}[5m]))";
        await watched.Page.GotoAsync($"search?query={Uri.EscapeDataString(query)}&from=now-1h&to=now");
        await watched.WaitForCircuitAsync();
        var page = watched.Page;
        var chart = page.GetByTestId("metric-chart");
        var legend = chart.Locator(".apexcharts-legend-text");
        await Expect(legend).ToHaveCountAsync(2);

        // The legend names the series by its labels, quoted as LogQL quotes them: the markup is there as characters.
        var texts = await legend.AllTextContentsAsync();
        Assert.Contains(texts, t => t.StartsWith("{v=\"<b id=\\\"pwn\\\">bold</b><img id=", StringComparison.Ordinal));
        Assert.Equal(0, await page.Locator("#pwn, #pwn-img, #pwn-link").CountAsync());

        // The tooltip names the series too, as HTML: hovering a point of each series must not make elements either.
        var plot = (await chart.Locator(".apexcharts-grid").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(plot.X + plot.Width * 0.9f, plot.Y + plot.Height / 2);
        await Expect(chart.Locator(".apexcharts-tooltip-text-y-label, .apexcharts-tooltip-text").First).ToBeAttachedAsync();
        Assert.Equal(0, await page.Locator("#pwn, #pwn-img, #pwn-link").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("() => window.pwned"));
        watched.AssertClean();
    }
}
