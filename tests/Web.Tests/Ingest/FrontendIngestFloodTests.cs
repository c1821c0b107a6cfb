using System.Net;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Ingest;

/// <summary>One address sending far more batches than a page would: it is slowed down, and the app stays usable.</summary>
public sealed class FrontendIngestFloodTests(WebAppFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFlood_Gets429WithRetryAfter_EvenWithForgedForwardedFor_WhileTheAppsPagesStillAnswer()
    {
        await using var app = FrontendIngestApp.Start(fixture.Database, requestsPerSecond: 1, burst: 5, settings: ("Security:TrustLoopback", "false"));
        using var client = new HttpClient { BaseAddress = app.App.AppUri };

        // Each batch claims another address: the limiter counts the connection's, as no proxy is trusted. While the
        // flood runs, the app's own pages are asked for.
        var started = System.Diagnostics.Stopwatch.StartNew();
        var flood = Task.Run(async () =>
        {
            var answers = new List<(HttpStatusCode Status, string? RetryAfter, string? AllowOrigin, string Body)>();
            for (var i = 0; i < 60; i++)
            {
                using var answer = await app.PostAsync("""{"entries": [{"message": "flood"}]}""", client: client, headers: [("X-Forwarded-For", $"198.51.100.{i}")]);
                answers.Add((answer.StatusCode, answer.Headers.TryGetValues("Retry-After", out var r) ? r.Single() : null,
                    answer.Headers.TryGetValues("Access-Control-Allow-Origin", out var o) ? o.Single() : null, await answer.Content.ReadAsStringAsync(Ct)));
            }

            return answers;
        }, Ct);
        using var health = await client.GetAsync("healthz", Ct);
        using var signIn = await client.GetAsync("account/login", Ct);
        var answers = await flood;
        var elapsed = started.Elapsed;

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var accepted = answers.Count(a => a.Status == HttpStatusCode.OK);
        Assert.InRange(accepted, 5, 5 + (int)Math.Ceiling(elapsed.TotalSeconds) + 1);
        var refused = answers.First(a => a.Status == HttpStatusCode.TooManyRequests);
        Assert.Equal(answers.Count - accepted, answers.Count(a => a.Status == HttpStatusCode.TooManyRequests));
        Assert.True(int.Parse(refused.RetryAfter!, System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal(FrontendIngestApp.AllowedOrigin, refused.AllowOrigin);
        Assert.Equal("""{"error":"Too many log batches from this address; wait as Retry-After says and send them again.","problems":["Too many log batches from this address; wait as Retry-After says and send them again."]}""", refused.Body);
    }
}
