using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Playwright.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

public sealed partial class ShellTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Admin_SignsInVisitsEveryPageTogglesDarkModeAndSignsOut()
    {
        var (email, password) = await fixture.CreateUserAsync(AppRoles.Admin);
        await using var watched = await WatchedPage.OpenAsync(fixture);
        var page = watched.Page;

        await watched.SignInAsync(email, password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("What happened?");

        foreach (var (link, heading) in new[]
        {
            ("Live", "Live"), ("Search", "Search"), ("Investigate", "Investigate"), ("Audit", "Audit"),
            ("Alerts", "Alert rules"), ("Admin", "Admin"), ("Home", "What happened?"),
        })
        {
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading);
        }

        var darkMode = page.GetByRole(AriaRole.Button, new() { Name = "Dark mode" });
        await Expect(darkMode).ToHaveAttributeAsync("aria-pressed", "false");
        var lightBackground = await BackgroundAsync(page);
        await darkMode.ClickAsync();
        await Expect(darkMode).ToHaveAttributeAsync("aria-pressed", "true");

        await page.ReloadAsync();
        await watched.WaitForCircuitAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Dark mode" })).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.NotEqual(lightBackground, await BackgroundAsync(page));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(LoginUrl());
        await page.GotoAsync("live");
        await Expect(page).ToHaveURLAsync(LoginUrl());

        watched.AssertClean();
    }

    [Fact]
    public async Task Viewer_SeesNoAdminAndIsToldWhyWhenTyping()
    {
        var (email, password) = await fixture.CreateUserAsync(AppRoles.Viewer);
        await using var watched = await WatchedPage.OpenAsync(fixture);
        var page = watched.Page;

        await watched.SignInAsync(email, password);
        var navigation = page.GetByRole(AriaRole.Navigation);
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Live", Exact = true })).ToBeVisibleAsync();
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Admin", Exact = true })).ToHaveCountAsync(0);
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Investigate", Exact = true })).ToHaveCountAsync(0);

        // The direct address answers with the access-denied page, which is a redirect, not an error.
        await page.GotoAsync("admin/users");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Access denied");

        watched.AssertClean();
    }

    [Fact]
    public async Task SignIn_WrongPassword_ShowsErrorOnTheForm()
    {
        var (email, _) = await fixture.CreateUserAsync(AppRoles.Viewer);
        await using var watched = await WatchedPage.OpenAsync(fixture);
        var page = watched.Page;

        await page.GotoAsync("account/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("Not-the-passw0rd");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The email or password is incorrect.");
        await Expect(page).ToHaveURLAsync(LoginUrl());
        watched.AssertClean();
    }

    [Fact]
    public async Task ConnectionLost_ShowsReconnectBannerThenRecovers()
    {
        var (email, password) = await fixture.CreateUserAsync(AppRoles.Viewer);
        await using var watched = await WatchedPage.OpenAsync(fixture);
        var page = watched.Page;

        // Put the circuit's WebSocket through a switch the test controls: while "down", the browser's socket
        // is closed and every reconnection attempt refused, as when the server or the network goes away.
        var down = false;
        var sockets = new List<IWebSocketRoute>();
        await page.RouteWebSocketAsync(new Regex("/logs/_blazor"), socket =>
        {
            if (down)
            {
                _ = socket.CloseAsync(new() { Code = 1011, Reason = "server unreachable" });
                return;
            }

            socket.ConnectToServer();
            lock (sockets)
            {
                sockets.Add(socket);
            }
        });
        await page.RouteAsync(new Regex("/logs/_blazor/negotiate"), route => down ? route.AbortAsync() : route.ContinueAsync());
        await watched.SignInAsync(email, password);
        var banner = page.Locator("#components-reconnect-modal");
        await Expect(banner).ToBeHiddenAsync();

        down = true;
        IWebSocketRoute[] open;
        lock (sockets)
        {
            open = [.. sockets];
        }

        foreach (var socket in open)
        {
            await socket.CloseAsync(new() { Code = 1011, Reason = "connection lost" });
        }

        await Expect(banner).ToBeVisibleAsync();
        await Expect(banner).ToContainTextAsync("Reconnecting");

        down = false;
        await Expect(banner).ToBeHiddenAsync(new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("circuit-status")).ToHaveTextAsync("Connected");
    }

    private static Task<string> BackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

    [GeneratedRegex("/logs/account/login")]
    private static partial Regex LoginUrl();
}
