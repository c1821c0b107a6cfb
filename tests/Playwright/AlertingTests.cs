using System.Net.Http.Headers;
using System.Text;
using Microsoft.Playwright;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Playwright.Shared;
using TovPlay.Logs.Web.Tests.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

/// <summary>
/// Alerting as a new Admin sets it up in the browser: a Discord contact point tested against the fake Discord, the
/// policies, a rule typed with its errors shown by field, previewed and backtested, firing from a pushed line, its
/// message at the fake, and silenced.
/// </summary>
public sealed class AlertingTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Admin_ConnectsDiscord_RoutesWritesARule_ItFiresArrivesAndIsSilenced()
    {
        var ct = TestContext.Current.CancellationToken;
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var contactPoint = $"on-call-{suffix}";
        var job = $"tovplay-browser-{suffix}";
        var ruleName = $"BoomBrowser{suffix}";
        await using var watched = await WatchedPage.OpenSignedInAsync(fixture, AppRoles.Admin, "alerts/contact-points");
        var page = watched.Page;

        // A contact point: a wrong address is refused by field; the right one gets Discord's answer on Send test.
        await page.GetByRole(AriaRole.Button, new() { Name = "New contact point" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Discord webhook URL").PressSequentiallyAsync("https://evil.example/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwxyz");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save contact point" }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("evil.example is not one of them");
        await Expect(dialog).ToContainTextAsync("A name of 1 to 100 characters");
        await dialog.GetByLabel("Name", new() { Exact = true }).PressSequentiallyAsync(contactPoint);
        await dialog.GetByLabel("Discord webhook URL").FillAsync("");
        await dialog.GetByLabel("Discord webhook URL").PressSequentiallyAsync(fixture.Discord.WebhookUrl);
        await Expect(dialog.GetByTestId("cp-preview-title")).ToHaveTextAsync("[FIRING:1] TestAlert (warning users)");
        var before = fixture.Discord.Delivered.Count;
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Send test" }).ClickAsync();
        await Expect(dialog.GetByTestId("cp-test-answer")).ToContainTextAsync("Discord answered 200: the message is in the channel.");
        await Expect(dialog.GetByTestId("cp-test-body")).ToContainTextAsync("\"webhook_id\":\"123456789012345678\"");
        await fixture.Discord.WaitForAsync(d => d.Count > before);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save contact point" }).ClickAsync();
        var row = page.GetByTestId("contact-points").GetByRole(AriaRole.Row).Filter(new() { HasText = contactPoint });
        await Expect(row).ToContainTextAsync("/…/webhooks/123456789012345678/••••••");
        await Expect(page.GetByTestId("contact-points")).Not.ToContainTextAsync("fake-token");

        // The policies: everything to the new contact point at once, re-flushed each second; the preview says where an alert goes.
        await page.GetByRole(AriaRole.Link, new() { Name = "Notification policies" }).ClickAsync();
        await watched.WaitForCircuitAsync();
        await page.GetByLabel("Contact point of the default policy").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = contactPoint, Exact = true }).ClickAsync();
        // The list closes and hands focus back to its field: typing starts once it has, as a person's eyes would wait.
        await Expect(page.GetByRole(AriaRole.Listbox)).ToHaveCountAsync(0);
        await page.Locator("#policy-root-wait").PressSequentiallyAsync("0s");
        await Expect(page.Locator("#policy-root-wait")).ToHaveValueAsync("0s");
        await page.Locator("#policy-root-interval").PressSequentiallyAsync("1s");
        await Expect(page.Locator("#policy-root-interval")).ToHaveValueAsync("1s");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save policies" }).ClickAsync();
        await Expect(page.GetByText("Policies saved")).ToBeVisibleAsync();
        await page.Locator("#routing-labels").PressSequentiallyAsync($"alertname=\"{ruleName}\", severity=\"critical\"");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview routing" }).ClickAsync();
        await Expect(page.GetByTestId("routing-result")).ToContainTextAsync(contactPoint);
        await Expect(page.GetByTestId("routing-result")).ToContainTextAsync("Group wait 0s, interval 1s, repeat 4h");

        // The rule: a broken query is pointed at by line and column as it is typed; then the right one, previewed.
        await page.GetByRole(AriaRole.Link, new() { Name = "Alert rules" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "New rule" }).ClickAsync();
        await watched.WaitForCircuitAsync();
        var query = page.Locator("#rule-query");
        await query.PressSequentiallyAsync($"sum(count_over_time({{job=\"{job}\"}} |= \"boom\" [1m])");
        await Expect(page.GetByText("parse error at line 1, col")).ToBeVisibleAsync();
        await query.PressSequentiallyAsync(")");
        await Expect(page.GetByText("parse error")).ToHaveCountAsync(0);
        await page.Locator("#rule-threshold").FillAsync("");
        await page.Locator("#rule-threshold").PressSequentiallyAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await Expect(page.GetByTestId("preview-empty")).ToContainTextAsync("The query returns no series now");
        await page.Locator("#rule-name").PressSequentiallyAsync(ruleName);
        await page.Locator("#rule-interval").FillAsync("");
        await page.Locator("#rule-interval").PressSequentiallyAsync("half a second");
        await Expect(page.GetByText("\"half a second\" is not a duration")).ToBeVisibleAsync();
        await page.Locator("#rule-interval").FillAsync("");
        await page.Locator("#rule-interval").PressSequentiallyAsync("1s");
        await page.Locator("#rule-summary").PressSequentiallyAsync("{{ $value }} boom line(s) on {{ $labels.severity }}");
        await Expect(page.GetByTestId("annotation-preview")).ToContainTextAsync("summary: 42 boom line(s) on warning");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save rule" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(ruleName);

        // A line arrives: the rule fires, and Discord gets the message with the line in it.
        await PushAsync(job, "{\"level\":\"error\",\"msg\":\"boom in the browser test\"}", ct);
        await Expect(page.GetByTestId("instances")).ToContainTextAsync("Firing", new() { Timeout = 30_000 });
        var delivered = await fixture.Discord.WaitForAsync(d => d.Any(r => FakeDiscord.Title(r).StartsWith($"[FIRING:1] {ruleName}", StringComparison.Ordinal)));
        var message = delivered.Last(r => FakeDiscord.Title(r).StartsWith($"[FIRING:1] {ruleName}", StringComparison.Ordinal));
        Assert.Contains("boom in the browser test", message.Body.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("1 boom line(s) on warning", message.Body.GetRawText(), StringComparison.Ordinal);

        // Silenced from its row, with a reason; the silences page shows it holding the alert.
        await page.GetByRole(AriaRole.Button, new() { Name = "Silence {" }).ClickAsync();
        var silence = page.GetByRole(AriaRole.Dialog);
        await Expect(silence.Locator("#silence-matcher-0")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("alertname=\"" + ruleName + "\"|severity=\"warning\""));
        await silence.GetByRole(AriaRole.Button, new() { Name = "Silence" }).ClickAsync();
        await Expect(silence).ToContainTextAsync("Say why");
        await silence.Locator("#silence-comment").PressSequentiallyAsync("known: the browser test booms on purpose");
        await silence.GetByRole(AriaRole.Button, new() { Name = "Silence" }).ClickAsync();
        await Expect(page.GetByText("Silenced: it is not notified until the silence ends.")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("instances").GetByTestId("silenced")).ToContainTextAsync("Silenced until");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Silence {" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Silences" }).ClickAsync();
        var silenceRow = page.GetByTestId("silences").GetByRole(AriaRole.Row).Filter(new() { HasText = ruleName });
        await Expect(silenceRow).ToContainTextAsync("Active");
        await Expect(silenceRow).ToContainTextAsync("1 alert(s)");
        await Expect(silenceRow).ToContainTextAsync("known: the browser test booms on purpose");

        watched.AssertClean();
    }

    [Fact]
    public async Task Admin_Backtests_ARule_OverPastLines()
    {
        var ct = TestContext.Current.CancellationToken;
        var job = $"tovplay-backtest-{Guid.NewGuid():N}"[..28];
        // Ten lines spread over the last half hour, a burst of them twenty minutes ago.
        var now = DateTimeOffset.UtcNow;
        foreach (var minutes in new[] { 21, 20.5, 20.2, 20, 19.8 })
        {
            await PushAsync(job, "boom", ct, now.AddMinutes(-minutes));
        }

        await using var watched = await WatchedPage.OpenSignedInAsync(fixture, AppRoles.Admin, "alerts/rules/new");
        var page = watched.Page;
        await page.Locator("#rule-query").PressSequentiallyAsync($"sum(count_over_time({{job=\"{job}\"}} |= \"boom\" [1m]))");
        await page.Locator("#rule-threshold").FillAsync("");
        await page.Locator("#rule-threshold").PressSequentiallyAsync("2");
        await page.Locator("#rule-interval").FillAsync("");
        await page.Locator("#rule-interval").PressSequentiallyAsync("30s");
        await page.GetByTestId("backtest-window").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "1 hour" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Run backtest" }).ClickAsync();

        await Expect(page.GetByTestId("backtest-summary")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"Over the last 1 hour, evaluated every 30s \(12[01] evaluations\): it would have fired 1 time\(s\) and sent 2 notification\(s\)\."));
        await Expect(page.GetByTestId("backtest-changes")).ToContainTextAsync("Firing");
        await Expect(page.GetByTestId("backtest-changes")).ToContainTextAsync("Resolved");
        await Expect(page.GetByTestId("backtest-chart")).ToBeVisibleAsync();
        watched.AssertClean();
    }

    private async Task PushAsync(string job, string line, CancellationToken ct, DateTimeOffset? at = null)
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.AppUri, "loki/api/v1/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await fixture.App.CreateApiKeyAsync());
        var ns = ((at ?? DateTimeOffset.UtcNow) - DateTimeOffset.UnixEpoch).Ticks * 100;
        var body = System.Text.Json.JsonSerializer.Serialize(new
        {
            streams = new[] { new { stream = new Dictionary<string, string> { ["job"] = job }, values = new[] { new[] { ns.ToString(System.Globalization.CultureInfo.InvariantCulture), line } } } },
        });
        using var response = await http.PostAsync("push", new StringContent(body, Encoding.UTF8, "application/json"), ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));
    }
}
