using System.Net;
using System.Text.Json;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Observability;

public sealed class HealthTests(WebAppFixture fixture)
{
    [Fact]
    public async Task Healthz_Anonymous_IsHealthy()
    {
        using var client = fixture.App.CreateBrowserLikeClient();

        using var response = await client.GetAsync("healthz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", Status(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Readyz_DatabaseUp_ReportsItHealthy()
    {
        using var client = fixture.App.CreateBrowserLikeClient();

        using var response = await client.GetAsync("readyz", TestContext.Current.CancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("app-database").GetProperty("status").GetString());
        var source = body.RootElement.GetProperty("checks").GetProperty("log-source");
        Assert.Equal("Healthy", source.GetProperty("status").GetString());
        Assert.Equal("Embedded", source.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Readyz_DatabaseGone_Is503WithoutLeakingDetails()
    {
        var database = await TestDatabase.CreateAsync("ready_tests");
        await using var app = new TestApp(database.ConnectionString);
        using var client = new HttpClient { BaseAddress = app.AppUri };
        using var before = await client.GetAsync("readyz", TestContext.Current.CancellationToken);

        await database.DisposeAsync(); // drops the database under the running app
        using var response = await client.GetAsync("readyz", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", Status(text));
        Assert.Contains("PostgreSQL is unreachable.", text, StringComparison.Ordinal);
        Assert.Contains("Embedded: the log store database is unavailable", text, StringComparison.Ordinal);
        Assert.DoesNotContain(database.Name, text, StringComparison.Ordinal);
    }

    private static string? Status(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("status").GetString();
    }
}
