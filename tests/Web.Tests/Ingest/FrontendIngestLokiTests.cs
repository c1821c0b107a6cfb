using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Ingest;

/// <summary>With Loki as the log store, browser lines go to its push API (a fake speaking Loki 2.8's recorded answers).</summary>
public sealed class FrontendIngestLokiTests(WebAppFixture fixture) : IAsyncLifetime
{
    private FakeLoki _loki = null!;
    private FrontendIngestApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _loki = await FakeLoki.StartAsync();
        _app = FrontendIngestApp.Start(fixture.Database, settings: [("LogSource:Kind", "Loki"), ("LogSource:Url", _loki.Address.ToString()), ("Sandbox:Enabled", "false")]);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _loki.DisposeAsync();
    }

    [Fact]
    public async Task ABatch_IsPushedToLoki_InTheServersStreams()
    {
        _loki.Replay("push_single");

        using var response = await _app.PostAsync("""{"entries": [{"level": "warn", "message": "slow image", "page": "/store"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var push = Assert.Single(_loki.Requests, r => r.PathAndQuery == "/loki/api/v1/push");
        var stream = JsonDocument.Parse(push.Body).RootElement.GetProperty("streams")[0];
        Assert.Equal("""{"env":"prod","job":"tovplay-frontend","level":"warn","service":"tovplay-frontend"}""", stream.GetProperty("stream").GetRawText());
        var line = JsonNode.Parse(stream.GetProperty("values")[0][1].GetString()!)!;
        Assert.Equal(("slow image", "/store", "127.0.0.1"), ((string?)line["msg"], (string?)line["page"], (string?)line["ip"]));
    }

    [Fact]
    public async Task LokiFailing_Is503WithRetryAfter_NeverAnAcceptance()
    {
        // Nothing scripted: the fake answers 500, as a Loki in trouble does.
        using var response = await _app.PostAsync("""{"entries": [{"message": "lost?"}]}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal("The log store is unavailable; send the batch again shortly.", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]);
        Assert.Contains(_loki.Requests, r => r.PathAndQuery == "/loki/api/v1/push");
    }
}
