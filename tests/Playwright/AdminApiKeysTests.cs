using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Playwright;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Playwright.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

public sealed class AdminApiKeysTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Admin_CreatesKeyThatPushes_ThenRevokesItAndItIsRefused()
    {
        var (email, password) = await fixture.CreateUserAsync(AppRoles.Admin);
        var name = $"promtail {Guid.NewGuid():N}"[..24];
        await using var watched = await WatchedPage.OpenAsync(fixture);
        var page = watched.Page;
        await watched.SignInAsync(email, password);

        await page.GotoAsync("admin/api-keys");
        await watched.WaitForCircuitAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "New key" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("Name the key after who uses it");

        await dialog.GetByLabel("Name").FillAsync(name);
        await dialog.GetByLabel("Push: may send logs").UncheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("Choose at least one scope: push, read or both.");

        await dialog.GetByLabel("Push: may send logs").CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var secret = page.GetByRole(AriaRole.Dialog, new() { Name = "API key shown once" });
        await Expect(secret).ToContainTextAsync("/logs/loki/api/v1/push");
        var shown = secret.GetByTestId("shown-once-secret").Locator("pre");
        var token = (await shown.TextContentAsync())!;
        Assert.Matches("^tpl_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$", token);

        // All of the key is in view (it wraps rather than being cut off), and its button copies all of it.
        Assert.True(await shown.EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth"), "the key is cut off");
        var box = (await shown.BoundingBoxAsync())!;
        var dialogBox = (await secret.BoundingBoxAsync())!;
        Assert.True(box.X + box.Width <= dialogBox.X + dialogBox.Width, "the key runs out of the dialog");
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await secret.GetByRole(AriaRole.Button, new() { Name = "Copy api key" }).ClickAsync();
        await Expect(page.GetByText("Copied the api key.")).ToBeVisibleAsync();
        Assert.Equal(token, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        // logcli's settings quote the key's name, which has a space, for the shell.
        await Expect(secret.GetByTestId("logcli-usage")).ToContainTextAsync($"export LOKI_USERNAME='{name}'");
        await Expect(secret.GetByTestId("logcli-usage")).ToContainTextAsync($"export LOKI_PASSWORD='{token}'");
        await Expect(secret.GetByTestId("promtail-usage")).ToContainTextAsync($"bearer_token: '{token}'");

        // The list behind the dialog already holds the new key.
        await Expect(page.Locator("table").GetByText(name)).ToHaveCountAsync(1);
        await secret.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Expect(row).ToContainTextAsync("push");
        await Expect(row).ToContainTextAsync(token[..16]);

        Assert.Equal(HttpStatusCode.NoContent, await PushAsync(token));

        await row.GetByRole(AriaRole.Button, new() { Name = $"Revoke {name}" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(row).ToContainTextAsync("Revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, await PushAsync(token));

        await page.GotoAsync("admin/audit-trail");
        await watched.WaitForCircuitAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = name }).Filter(new() { HasText = "api-key.revoked" })).ToContainTextAsync(email);
        watched.AssertClean();
    }

    private async Task<HttpStatusCode> PushAsync(string token)
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.AppUri, "loki/api/v1/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        var body = $$"""{"streams":[{"stream":{"job":"playwright"},"values":[["{{now}}","pushed with a key made in the browser"]]}]}""";
        using var response = await http.PostAsync("push", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        return response.StatusCode;
    }
}
