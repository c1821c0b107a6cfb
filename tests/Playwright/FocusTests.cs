using Microsoft.Playwright;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Playwright.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

/// <summary>
/// Where the focus is when a page or a dialog opens, while someone types and when a dialog closes. Clean-clone runs of
/// the alerting test lost what was typed: a dialog's focus trap, and the new page's heading after a move, took the
/// focus once the first render had come back from the browser, by which time the typing had started.
/// </summary>
public sealed class FocusTests(BrowserFixture fixture)
{
    private const string EvilWebhook = "https://evil.example/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwxyz";

    [Fact]
    public async Task TypingStartedAsTheDialogOpens_KeepsEveryKeystroke()
    {
        await using var watched = await WatchedPage.OpenSignedInAsync(fixture, AppRoles.Admin, "alerts/contact-points");
        var page = watched.Page;
        await SlowLink.RouteAsync(page, TimeSpan.FromMilliseconds(300));
        await page.ReloadAsync();
        await watched.WaitForCircuitAsync();

        // On a slow link, a person who clicks into the second field as soon as the dialog shows and types at a
        // person's pace, the whole address: anything done by the dialog once its render has gone to the browser and
        // back comes in the middle of it.
        await page.GetByRole(AriaRole.Button, new() { Name = "New contact point" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        var url = dialog.GetByLabel("Discord webhook URL");
        await url.ClickAsync();
        await url.PressSequentiallyAsync(EvilWebhook, new() { Delay = 25 });

        await Expect(url).ToBeFocusedAsync();
        await Expect(url).ToHaveValueAsync(EvilWebhook);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save contact point" }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("evil.example is not one of them");
        watched.AssertClean();
    }

    [Fact]
    public async Task AMoveToAnotherPage_FocusesItsHeadingAtOnce_AndTypingStartedThereKeepsEveryKeystroke()
    {
        const string labels = "alertname=\"MassDelete\", severity=\"critical\", table=\"users\"";
        await using var watched = await WatchedPage.OpenSignedInAsync(fixture, AppRoles.Admin, "alerts/contact-points");
        var page = watched.Page;
        await SlowLink.RouteAsync(page, TimeSpan.FromMilliseconds(300));
        await page.ReloadAsync();
        await watched.WaitForCircuitAsync();

        // Where the focus went, in order: the link clicked, the new page's heading as it appeared, then the field
        // clicked as soon as it showed, where it stays while the labels are typed at a person's pace.
        await page.EvaluateAsync("() => { window.focusTrail = []; document.addEventListener('focusin', e => window.focusTrail.push(e.target.tagName + '#' + e.target.id), true); }");
        await page.GetByRole(AriaRole.Link, new() { Name = "Notification policies" }).ClickAsync();
        var field = page.Locator("#routing-labels");
        await field.ClickAsync();
        await field.PressSequentiallyAsync(labels, new() { Delay = 25 });

        await Expect(field).ToHaveValueAsync(labels);
        Assert.Equal(["A#", "H1#", "INPUT#routing-labels"], await page.EvaluateAsync<string[]>("() => window.focusTrail"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview routing" }).ClickAsync();
        await Expect(page.GetByTestId("routing-result")).ToContainTextAsync("Group wait");
        // The router asks the browser to leave it the links once its first render is in; on this link that comes
        // 300 ms after the page shows it is connected, and a click in between starts the browser's own fetch of the
        // page, which the router's move then cancels. Harmless (the page moves once), and not what is tested here.
        watched.AssertClean($"request failed: GET {fixture.AppUri}alerts/policies (net::ERR_ABORTED)");
    }

    [Fact]
    public async Task ADialogOpenedFromTheKeyboard_TakesTypingInItsFirstField_AndClosingGivesTheFocusBack()
    {
        await using var watched = await WatchedPage.OpenSignedInAsync(fixture, AppRoles.Admin, "admin/users");
        var page = watched.Page;
        var opener = page.GetByRole(AriaRole.Button, new() { Name = "New user" });

        await opener.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByLabel("Email")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("typed-at-once@tests.tovplay.org");
        await Expect(dialog.GetByLabel("Email")).ToHaveValueAsync("typed-at-once@tests.tovplay.org");

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(opener).ToBeFocusedAsync();

        // Again, to the end: the password shown once has no field, and its dialog holds the focus itself (so Tab and
        // Escape stay with it); when it goes, the focus is back on the button that began it all.
        var email = $"focus-{Guid.NewGuid():N}@tests.tovplay.org";
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog.GetByLabel("Email")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(email);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var secret = page.GetByRole(AriaRole.Dialog, new() { Name = "Password shown once" });
        await Expect(secret).ToContainTextAsync($"Created {email} as Viewer.");
        await Expect(secret.Locator(":focus")).ToHaveCountAsync(1);
        await secret.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(secret).ToHaveCountAsync(0);
        await Expect(opener).ToBeFocusedAsync();
        watched.AssertClean();
    }
}
