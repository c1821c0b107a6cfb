using System.Net;
using System.Net.Http.Headers;
using System.Text;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Alerting;

/// <summary>
/// The Alertmanager-compatible receiver: what a real Alertmanager 0.25 posted (tests/Fixtures/alertmanager-0.25) goes
/// through this app's routing into Discord, firing then resolved; a Prometheus-style alert resolves when its end
/// passes; bad bodies and missing keys are refused with the reason.
/// </summary>
public sealed class ExternalAlertsTests
{
    private static readonly string s_fixtures = Path.Combine(AppContext.BaseDirectory, "fixtures", "alertmanager-0.25");

    private static HttpClient Client(TestApp app, string? token)
    {
        var client = new HttpClient { BaseAddress = app.AppUri };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task AlertmanagersWebhook_IsRoutedToDiscord_FiringThenResolved()
    {
        await using var discord = await FakeDiscord.StartAsync();
        await using var database = await TestDatabase.CreateAsync("alert_external");
        await using var app = AlertingApp.Start(database.ConnectionString, discord);
        await app.RouteToAsync(discord);
        using var client = Client(app.App, await app.App.CreateApiKeyAsync(push: true, read: false));
        var ct = TestContext.Current.CancellationToken;

        using var firing = await client.PostAsync("api/alerts/alertmanager", Json(await File.ReadAllTextAsync(Path.Combine(s_fixtures, "webhook-firing.json"), ct)), ct);

        Assert.Equal(HttpStatusCode.OK, firing.StatusCode);
        Assert.Equal("""{"status":"success","received":1,"firing":1,"resolved":0}""", await firing.Content.ReadAsStringAsync(ct));
        var first = (await discord.WaitForAsync(d => d.Count >= 1))[0];
        Assert.Equal("[FIRING:1] FeasTest (127.0.0.1:55080 feas-web critical)", FakeDiscord.Title(first));
        Assert.Contains("Feas error rate high", first.Body.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("[Source](http://127.0.0.1:59090/graph?g0.expr=up)", first.Body.GetRawText(), StringComparison.Ordinal);

        using var resolved = await client.PostAsync("api/alerts/alertmanager", Json(await File.ReadAllTextAsync(Path.Combine(s_fixtures, "webhook-resolved.json"), ct)), ct);

        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var second = (await discord.WaitForAsync(d => d.Count >= 2))[1];
        Assert.Equal("[RESOLVED] FeasTest (127.0.0.1:55080 feas-web critical)", FakeDiscord.Title(second));
        Assert.Equal(DiscordMessage.Resolved, FakeDiscord.Color(second));
    }

    [Fact]
    public async Task APrometheusStyleAlert_ResolvesWhenItsAnnouncedEndPasses_AndBadRequestsAreRefusedWithTheReason()
    {
        await using var discord = await FakeDiscord.StartAsync();
        await using var database = await TestDatabase.CreateAsync("alert_external_end");
        await using var app = AlertingApp.Start(database.ConnectionString, discord);
        await app.RouteToAsync(discord);
        using var client = Client(app.App, await app.App.CreateApiKeyAsync(push: true, read: false));
        using var anonymous = Client(app.App, null);
        using var reader = Client(app.App, await app.App.CreateApiKeyAsync(push: false, read: true));
        var ct = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        var alert = $$"""[{"labels": {"alertname": "DiskFull", "instance": "db-1"}, "annotations": {"summary": "disk 95% full"}, "startsAt": "{{now:O}}", "endsAt": "{{now.AddSeconds(3):O}}"}]""";

        using var posted = await client.PostAsync("api/alerts/alertmanager/api/v2/alerts", Json(alert), ct);

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        await discord.WaitForAsync(d => d.Any(r => FakeDiscord.Title(r).StartsWith("[FIRING:1] DiskFull", StringComparison.Ordinal)));
        await discord.WaitForAsync(d => d.Any(r => FakeDiscord.Title(r).StartsWith("[RESOLVED] DiskFull", StringComparison.Ordinal)));

        using var noKey = await anonymous.PostAsync("api/alerts/alertmanager", Json(alert), ct);
        using var readOnly = await reader.PostAsync("api/alerts/alertmanager", Json(alert), ct);
        using var bad = await client.PostAsync("api/alerts/alertmanager", Json("""[{"labels": {"alertname": "x"}, "startsAt": "soon"}]"""), ct);
        using var huge = await client.PostAsync("api/alerts/alertmanager", Json("[" + string.Join(",", Enumerable.Repeat("{\"labels\":{\"a\":\"" + new string('x', 2000) + "\"}}", 600)) + "]"), ct);

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, readOnly.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("alerts[0].startsAt is not an RFC 3339 time.\n", await bad.Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
    }
}
