using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Playwright.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

/// <summary>
/// The app behind Debian's nginx with the shipped /logs/ location, as app.tovplay.org serves it: a person signs in at
/// /logs/, the circuit (a WebSocket through nginx) connects, and a line pushed through nginx's push route appears in the
/// live tail; the bare /logs redirects to /logs/.
/// </summary>
public sealed class BehindNginxTests(BrowserFixture fixture) : IAsyncLifetime
{
    private NginxProxy _nginx = null!;

    public async ValueTask InitializeAsync() => _nginx = await NginxProxy.StartAsync(fixture.AppUri);

    public async ValueTask DisposeAsync() => await _nginx.DisposeAsync();

    [Fact]
    public async Task SignIn_AndTheLiveTail_WorkThroughNginx()
    {
        var (email, password) = await fixture.CreateUserAsync(AppRoles.Viewer);
        var token = await fixture.App.CreateApiKeyAsync();
        var run = Guid.NewGuid().ToString("N")[..12];
        await using var watched = await WatchedPage.OpenAsync(fixture, _nginx.AppUri);
        var page = watched.Page;

        await page.GotoAsync($"http://127.0.0.1:{_nginx.Port}/logs");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"^http://127\\.0\\.0\\.1:{_nginx.Port}/logs/account/login"));
        await watched.SignInAsync(email, password);
        await page.GetByRole(AriaRole.Link, new() { Name = "Live", Exact = true }).ClickAsync();
        await watched.WaitForCircuitAsync();
        var query = page.GetByLabel("LogQL query");
        await query.FillAsync($"{{run=\"{run}\"}}");
        await query.PressAsync("Enter");
        await Expect(page.GetByLabel("Tail: Live")).ToBeVisibleAsync();

        using var http = new HttpClient { BaseAddress = new Uri(_nginx.AppUri, "loki/api/v1/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        var body = JsonSerializer.Serialize(new
        {
            streams = new[] { new { stream = new Dictionary<string, string> { ["job"] = "behind-nginx", ["run"] = run }, values = new[] { new[] { now.ToString(System.Globalization.CultureInfo.InvariantCulture), "through nginx" } } } },
        });
        using (var pushed = await http.PostAsync("push", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, pushed.StatusCode);
        }

        await Expect(page.GetByRole(AriaRole.Log, new() { Name = "Live lines" })).ToContainTextAsync("through nginx");
        Assert.StartsWith($"http://127.0.0.1:{_nginx.Port}/logs/", page.Url, StringComparison.Ordinal);
        // The bare /logs, asked on purpose above, is the one request outside /logs/.
        watched.AssertClean($"request outside /logs/: GET http://127.0.0.1:{_nginx.Port}/logs");
    }
}
