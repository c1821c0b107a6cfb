using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Playwright.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

/// <summary>The Live page in real Chromium, fed by pushes to the real push API.</summary>
public sealed class LiveTests(BrowserFixture fixture)
{
    private static long NowNs => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;

    private async Task PushAsync(string token, string run, params string[] lines)
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.AppUri, "loki/api/v1/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var now = NowNs;
        var body = JsonSerializer.Serialize(new
        {
            streams = new[]
            {
                new { stream = new Dictionary<string, string> { ["job"] = "playwright-live", ["run"] = run }, values = lines.Select((l, i) => new[] { (now + i).ToString(), l }).ToArray() },
            },
        });
        using var response = await http.PostAsync("push", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private async Task<(WatchedPage Watched, string Token, string Run)> OpenLiveAsync()
    {
        var (email, password) = await fixture.CreateUserAsync(AppRoles.Viewer);
        var token = await fixture.App.CreateApiKeyAsync();
        var run = Guid.NewGuid().ToString("N")[..12];
        var watched = await WatchedPage.OpenAsync(fixture);
        await watched.SignInAsync(email, password);
        await watched.Page.GotoAsync("live");
        await watched.WaitForCircuitAsync();
        var query = watched.Page.GetByLabel("LogQL query");
        await query.FillAsync($"{{run=\"{run}\"}}");
        await query.PressAsync("Enter");
        await Expect(watched.Page.GetByLabel("Tail: Live")).ToBeVisibleAsync();
        return (watched, token, run);
    }

    [Fact]
    public async Task PushedLines_AppearLive_PauseHoldsThemWithACount_ResumeShowsThem()
    {
        var (watched, token, run) = await OpenLiveAsync();
        await using var owned = watched;
        var page = watched.Page;
        var list = page.GetByRole(AriaRole.Log, new() { Name = "Live lines" });

        await PushAsync(token, run, """{"level":"info","msg":"first live line"}""", """{"level":"error","msg":"second live line"}""");
        await Expect(list).ToContainTextAsync("first live line");
        await Expect(list).ToContainTextAsync("second live line");
        await Expect(list.Locator(".live-row[data-level=error]")).ToHaveCountAsync(1);

        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Expect(page.GetByLabel("Tail: Paused")).ToHaveTextAsync("Paused");
        await PushAsync(token, run, "held while paused 1");
        await Expect(page.GetByTestId("new-lines")).ToHaveTextAsync("1 new line");
        await PushAsync(token, run, "held while paused 2", "held while paused 3");
        await Expect(page.GetByTestId("new-lines")).ToHaveTextAsync("3 new lines");
        await Expect(list).Not.ToContainTextAsync("held while paused");

        await page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Expect(page.GetByLabel("Tail: Live")).ToHaveTextAsync("Live");
        await Expect(list).ToContainTextAsync("held while paused 3");
        await Expect(list.GetByRole(AriaRole.Row)).ToHaveCountAsync(5);
        watched.AssertClean();
    }

    [Fact]
    public async Task ClickingAFieldValue_NarrowsTheQueryToIt()
    {
        var (watched, token, run) = await OpenLiveAsync();
        await using var owned = watched;
        var page = watched.Page;
        var list = page.GetByRole(AriaRole.Log, new() { Name = "Live lines" });
        await PushAsync(token, run, """{"user":"alice","msg":"alice did something"}""", """{"user":"bob","msg":"bob did something"}""");
        await Expect(list).ToContainTextAsync("bob did something");

        await list.GetByRole(AriaRole.Row).Filter(new() { HasText = "alice did something" }).ClickAsync();
        await page.GetByRole(AriaRole.Region, new() { Name = "Line details" }).GetByRole(AriaRole.Button, new() { Name = "Only user=alice" }).ClickAsync();

        await Expect(page.GetByLabel("LogQL query")).ToHaveValueAsync($"{{run=\"{run}\"}} | json | user=\"alice\"");
        await Expect(page.GetByLabel("Tail: Live")).ToBeVisibleAsync();

        // The pickers stay: a level picked there keeps the field filter after it.
        await page.GetByRole(AriaRole.Button, new() { Name = "error", Exact = true }).ClickAsync();
        await Expect(page.GetByLabel("LogQL query")).ToHaveValueAsync($"{{run=\"{run}\", level=\"error\"}} | json | user=\"alice\"");
        await page.GetByRole(AriaRole.Button, new() { Name = "error", Exact = true }).ClickAsync();
        await Expect(page.GetByLabel("LogQL query")).ToHaveValueAsync($"{{run=\"{run}\"}} | json | user=\"alice\"");
        await PushAsync(token, run, """{"user":"bob","msg":"bob again"}""", """{"user":"alice","msg":"alice again"}""");
        await Expect(list).ToContainTextAsync("alice again");
        await Expect(list).Not.ToContainTextAsync("bob");
        watched.AssertClean();
    }

    [Fact]
    public async Task AFieldBecomesAColumnHeldByTheAddress_AndShowContextListsTheLinesAroundIt()
    {
        var (watched, token, run) = await OpenLiveAsync();
        await using var owned = watched;
        var page = watched.Page;
        var list = page.GetByRole(AriaRole.Log, new() { Name = "Live lines" });
        await PushAsync(token, run, """{"user":"alice","msg":"one"}""", """{"user":"bob","msg":"two"}""", """{"user":"carol","msg":"three"}""");
        await Expect(list).ToContainTextAsync("three");

        await list.GetByRole(AriaRole.Row).Filter(new() { HasText = "\"two\"" }).ClickAsync();
        var details = page.GetByRole(AriaRole.Region, new() { Name = "Line details" });
        await details.GetByRole(AriaRole.Button, new() { Name = "Show user as a column" }).ClickAsync();

        await Expect(list.GetByRole(AriaRole.Columnheader, new() { Name = "user" })).ToBeVisibleAsync();
        await Expect(list.GetByRole(AriaRole.Row).Filter(new() { HasText = "\"two\"" }).Locator(".live-column")).ToHaveTextAsync("bob");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("columns=user"));

        await details.GetByRole(AriaRole.Button, new() { Name = "Show context" }).ClickAsync();
        var context = page.GetByRole(AriaRole.Log, new() { Name = "Context lines" });
        await Expect(context.GetByRole(AriaRole.Row)).ToHaveCountAsync(3);
        await Expect(context.Locator("[aria-current=true]")).ToContainTextAsync("\"two\"");
        watched.AssertClean();
    }

    [Fact]
    public async Task InvalidLogQL_IsRefusedWithLineAndColumn()
    {
        var (watched, _, _) = await OpenLiveAsync();
        await using var owned = watched;
        var query = watched.Page.GetByLabel("LogQL query");

        await query.FillAsync("{job=\"x\"} |= ");
        await query.PressAsync("Enter");

        await Expect(watched.Page.GetByText("parse error at line 1, col")).ToBeVisibleAsync();
        watched.AssertClean();
    }

    [Fact]
    public async Task ABadQueryInTheAddress_StaysInTheBoxBesideItsReason_AndNothingIsTailedUntilItIsFixed()
    {
        var (email, password) = await fixture.CreateUserAsync(AppRoles.Viewer);
        var token = await fixture.App.CreateApiKeyAsync();
        var run = Guid.NewGuid().ToString("N")[..12];
        await using var watched = await WatchedPage.OpenAsync(fixture);
        var page = watched.Page;
        await watched.SignInAsync(email, password);
        var typed = $"{{run=\"{run}\"}} |= ";
        await page.GotoAsync("live?query=" + Uri.EscapeDataString(typed));
        await watched.WaitForCircuitAsync();
        var box = page.GetByLabel("LogQL query");
        var list = page.GetByRole(AriaRole.Log, new() { Name = "Live lines" });

        await Expect(box).ToHaveValueAsync(typed);
        await Expect(page.GetByText($"parse error at line 1, col {typed.Length + 1}")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Tail: Stopped")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Start" })).ToBeDisabledAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pause" })).ToBeDisabledAsync();
        await PushAsync(token, run, "a line nobody asked for");
        await Expect(list.GetByRole(AriaRole.Row)).ToHaveCountAsync(0);

        await box.ClickAsync();
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.TypeAsync("\"wanted\"");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByLabel("Tail: Live")).ToBeVisibleAsync();
        await PushAsync(token, run, "the wanted line");
        await Expect(list).ToContainTextAsync("the wanted line");
        await Expect(list.GetByRole(AriaRole.Row)).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("lines-shown")).ToHaveTextAsync("1 line shown (at most 10,000; older ones leave)");
        watched.AssertClean();
    }

    [Fact]
    public async Task TheAddressHoldsTheQuery_AndKeysPauseAndClearTheFilter()
    {
        var (watched, token, run) = await OpenLiveAsync();
        await using var owned = watched;
        var page = watched.Page;
        var list = page.GetByRole(AriaRole.Log, new() { Name = "Live lines" });
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape("query=" + Uri.EscapeDataString($"{{run=\"{run}\"}}"))));

        await page.GetByLabel("Line contains").FillAsync("needle");
        await Expect(page.GetByLabel("LogQL query")).ToHaveValueAsync($"{{run=\"{run}\"}} |= \"needle\"");
        await PushAsync(token, run, "hay", "a needle here");
        await Expect(list).ToContainTextAsync("a needle here");
        await Expect(list.Locator("mark")).ToHaveTextAsync("needle");
        await Expect(list).Not.ToContainTextAsync("hay");

        // Reopened from its address, the view is the same.
        await page.GotoAsync(page.Url);
        await watched.WaitForCircuitAsync();
        await Expect(page.GetByLabel("LogQL query")).ToHaveValueAsync($"{{run=\"{run}\"}} |= \"needle\"");
        await Expect(page.GetByLabel("Tail: Live")).ToBeVisibleAsync();

        await list.ClickAsync();
        await page.Keyboard.PressAsync(" ");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToBeVisibleAsync();
        await page.Keyboard.PressAsync(" ");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pause" })).ToBeVisibleAsync();

        await page.Keyboard.PressAsync("/");
        await Expect(page.GetByLabel("Line contains")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByLabel("LogQL query")).ToHaveValueAsync($"{{run=\"{run}\"}}");
        watched.AssertClean();
    }

    [Fact]
    public async Task LinesArrivingFasterThanTheBrowserPaints_KeepTheListAtTheNewestLine()
    {
        var (watched, token, run) = await OpenLiveAsync();
        await using var owned = watched;
        var page = watched.Page;

        // A slow browser: renders land while the previous scroll's event is still queued, which once read as
        // the reader scrolling up and stopped following.
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Emulation.setCPUThrottlingRate", new Dictionary<string, object> { ["rate"] = 8 });
        for (var push = 0; push < 15; push++)
        {
            await PushAsync(token, run, [.. Enumerable.Range(0, 12).Select(i => $"burst line {push * 12 + i:D3}")]);
        }

        var list = page.GetByRole(AriaRole.Log, new() { Name = "Live lines" });
        // The throttled browser is slow to catch up by design; wait for it longer than for a normal one.
        await Expect(page.GetByText("180 lines shown")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(list).ToContainTextAsync("burst line 179");
        // The throttled browser scrolls on a frame after it paints: wait for the list to reach the bottom (one that stopped
        // following never does), rather than reading it at the moment the last line shows.
        try
        {
            await page.WaitForFunctionAsync("l => l.scrollHeight - l.scrollTop - l.clientHeight < 24", await list.ElementHandleAsync(), new() { Timeout = 10_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail("the list should still follow the newest line: " + await list.EvaluateAsync<string>("l => `scrollTop ${l.scrollTop}, scrollHeight ${l.scrollHeight}, clientHeight ${l.clientHeight}`"));
        }

        watched.AssertClean();
    }

    [Fact]
    public async Task ScrollingUp_StopsFollowing_ScrollingBackDown_FollowsAgain()
    {
        var (watched, token, run) = await OpenLiveAsync();
        await using var owned = watched;
        var page = watched.Page;
        var list = page.GetByRole(AriaRole.Log, new() { Name = "Live lines" });

        await PushAsync(token, run, [.. Enumerable.Range(0, 100).Select(i => $"first part {i:D3}")]);
        try
        {
            await Expect(list).ToContainTextAsync("first part 099");
        }
        catch (PlaywrightException)
        {
            // Failed once in a clean-clone run and once in eleven runs of its class here (the list stayed at its top
            // after the 100 lines came): say whether the list stopped following or never scrolled.
            Assert.Fail("the list should follow to the newest line: " + await list.EvaluateAsync<string>(
                "l => `follow ${l.dataset.follow}, scrollTop ${l.scrollTop}, scrollHeight ${l.scrollHeight}, clientHeight ${l.clientHeight}, rows ${l.querySelectorAll('[role=row]').length}`"));
        }

        await list.HoverAsync();
        // Wheel scrolling may be animated: wait until the reader has arrived at the top.
        await page.Mouse.WheelAsync(0, -4000);
        await page.WaitForFunctionAsync("l => l.scrollTop === 0", await list.ElementHandleAsync());
        await Expect(list).Not.ToContainTextAsync("first part 099");
        const double readingAt = 0;

        await PushAsync(token, run, [.. Enumerable.Range(0, 20).Select(i => $"second part {i:D3}")]);
        await Expect(page.GetByText("120 lines shown")).ToBeVisibleAsync();
        Assert.Equal(readingAt, await list.EvaluateAsync<double>("l => l.scrollTop"));
        await Expect(list).Not.ToContainTextAsync("second part 019");

        await page.Mouse.WheelAsync(0, 100_000);
        await Expect(list).ToContainTextAsync("second part 019");
        await PushAsync(token, run, "third part 000");
        await Expect(list).ToContainTextAsync("third part 000");
        Assert.True(await list.EvaluateAsync<bool>("l => l.scrollHeight - l.scrollTop - l.clientHeight < 24"));
        watched.AssertClean();
    }

    [Fact]
    public async Task AFloodBeyondTheViewersBuffer_IsShownAsDroppedLines_NotLostSilently()
    {
        var (watched, token, run) = await OpenLiveAsync();
        await using var owned = watched;
        var page = watched.Page;

        // One push of 2,000 lines into a view whose tail buffer holds 200 (the fixture's setting).
        await PushAsync(token, run, [.. Enumerable.Range(0, 2000).Select(i => $"flood line {i:D4}")]);

        await Expect(page.GetByTestId("dropped")).ToContainTextAsync("1,800 lines dropped");
        await Expect(page.GetByRole(AriaRole.Log, new() { Name = "Live lines" })).ToContainTextAsync("flood line 1999");
        await Expect(page.GetByText("200 lines shown")).ToBeVisibleAsync();
        watched.AssertClean();
    }
}
