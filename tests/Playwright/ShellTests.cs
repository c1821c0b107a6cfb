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
            ("Alerts", "Alerts"), ("Admin", "Admin"), ("Home", "What happened?"),
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

    private static Task<string> BackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

    [GeneratedRegex("/logs/account/login")]
    private static partial Regex LoginUrl();
}
