using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Playwright.Shared;
using TovPlay.Logs.Web.Tests.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

/// <summary>
/// Live against a Loki whose connection breaks: the fixture's app serves Loki's API, a second app reads it as
/// <c>LogSource:Kind=Loki</c> through a proxy the test cuts and restores.
/// </summary>
public sealed class LiveReconnectTests(BrowserFixture fixture)
{
    [Fact]
    public async Task UpstreamCut_ShowsReconnecting_ThenLive_AndLinesFlowAgain()
    {
        var token = await fixture.App.CreateApiKeyAsync();
        await using var proxy = TcpProxy.Start("127.0.0.1", fixture.App.ServerAddress.Port);
        await using var database = await TestDatabase.CreateAsync("live_reconnect");
        await using var reader = new TestApp(database.ConnectionString, new Dictionary<string, string?>
        {
            ["LogSource:Kind"] = "Loki",
            ["LogSource:Url"] = $"http://127.0.0.1:{proxy.Port}/logs/",
            ["LogSource:Username"] = "live-tests",
            ["LogSource:Password"] = token,
        });
        var (email, password) = await reader.CreateUserAsync(AppRoles.Viewer);
        var run = Guid.NewGuid().ToString("N")[..12];
        await using var watched = await WatchedPage.OpenAsync(fixture, reader.AppUri);
        var page = watched.Page;
        await watched.SignInAsync(email, password);
        await page.GotoAsync($"live?query={Uri.EscapeDataString($"{{run=\"{run}\"}}")}");
        await watched.WaitForCircuitAsync();
        await Expect(page.GetByLabel("Tail: Live")).ToBeVisibleAsync();
        var list = page.GetByRole(AriaRole.Log, new() { Name = "Live lines" });
        await PushAsync(token, run, "before the cut");
        await Expect(list).ToContainTextAsync("before the cut");

        await proxy.CutAsync();
        await Expect(page.GetByLabel("Tail: Reconnecting")).ToBeVisibleAsync();
        // The first reason names the closed connection; under load the next attempt's reason may replace it first.
        await Expect(page.GetByTestId("tail-reason")).ToContainTextAsync(new Regex("Loki's tail .*(reconnecting|retrying)"));
        await PushAsync(token, run, "pushed while cut");
        proxy.Restore();

        await Expect(page.GetByLabel("Tail: Live")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await PushAsync(token, run, "after the cut");
        await Expect(list).ToContainTextAsync("after the cut");
        // The tail resumed from its last line: what was pushed during the cut arrives, and nothing twice.
        await Expect(list).ToContainTextAsync("pushed while cut");
        await Expect(list.GetByRole(AriaRole.Row)).ToHaveCountAsync(3);
        watched.AssertClean();
    }

    private async Task PushAsync(string token, string run, string line)
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.AppUri, "loki/api/v1/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        var body = $$"""{"streams":[{"stream":{"job":"live-reconnect","run":"{{run}}"},"values":[["{{now}}","{{line}}"]]}]}""";
        using var response = await http.PostAsync("push", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
