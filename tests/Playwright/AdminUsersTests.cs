using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Playwright.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

public sealed class AdminUsersTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Admin_CreatesUserThroughTheForm_SeesPasswordOnceAndTheAuditEntry()
    {
        var (email, password) = await fixture.CreateUserAsync(AppRoles.Admin);
        var newEmail = $"new-{Guid.NewGuid():N}@tests.tovplay.org";
        await using var watched = await WatchedPage.OpenAsync(fixture);
        var page = watched.Page;
        await watched.SignInAsync(email, password);

        await page.GotoAsync("admin/users");
        await watched.WaitForCircuitAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "New user" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("Enter the new user's email address.");

        // An address a user name cannot hold is refused in the form, beside the field, and the dialog stays.
        await dialog.GetByLabel("Email").FillAsync("new user@tests.tovplay.org");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("Enter an email address such as name@tovplay.org");
        await Expect(dialog.GetByLabel("Email")).ToHaveValueAsync("new user@tests.tovplay.org");

        // One the server refuses (it exists) keeps the dialog open with what was typed and why.
        await dialog.GetByLabel("Email").FillAsync(email);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(dialog.GetByTestId("new-user-refusal")).ToHaveTextAsync($"A user with the email {email} already exists.");
        await Expect(dialog.GetByLabel("Email")).ToHaveValueAsync(email);

        await dialog.GetByLabel("Email").FillAsync(newEmail);
        await dialog.GetByLabel("Password").FillAsync("short");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(dialog.GetByTestId("new-user-refusal")).ToHaveCountAsync(0);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("A password has at least 12 characters; leave it empty to generate one.");

        await dialog.GetByLabel("Password").FillAsync("");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var secret = page.GetByRole(AriaRole.Dialog, new() { Name = "Password shown once" });
        await Expect(secret).ToContainTextAsync($"Created {newEmail} as Viewer.");
        var generated = (await secret.GetByTestId("shown-once-secret").Locator("pre").TextContentAsync())!;
        Assert.Matches("^.{20}$", generated);
        await secret.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = newEmail })).ToContainTextAsync("Viewer");

        await page.GotoAsync("admin/audit-trail");
        await watched.WaitForCircuitAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = newEmail }).Filter(new() { HasText = "user.created" });
        await Expect(row).ToContainTextAsync(email);
        await Expect(row).ToContainTextAsync(new Regex(@"127\.0\.0\.1"));

        watched.AssertClean();
    }
}
