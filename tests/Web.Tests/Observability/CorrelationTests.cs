using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Observability;

public sealed class CorrelationTests(WebAppFixture fixture)
{
    [Fact]
    public async Task Request_WithCorrelationId_EchoesIt()
    {
        using var client = fixture.App.CreateBrowserLikeClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "healthz");
        request.Headers.Add("X-Correlation-ID", "9b2f0c1e-5a7d-4c3b-8e6f-1a2b3c4d5e6f");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal("9b2f0c1e-5a7d-4c3b-8e6f-1a2b3c4d5e6f", Assert.Single(response.Headers.GetValues("X-Correlation-ID")));
    }

    [Fact]
    public async Task Request_WithoutCorrelationId_GetsANewUuid()
    {
        using var client = fixture.App.CreateBrowserLikeClient();

        using var first = await client.GetAsync("healthz", TestContext.Current.CancellationToken);
        using var second = await client.GetAsync("healthz", TestContext.Current.CancellationToken);

        var a = Assert.Single(first.Headers.GetValues("X-Correlation-ID"));
        var b = Assert.Single(second.Headers.GetValues("X-Correlation-ID"));
        Assert.True(Guid.TryParse(a, out _));
        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task Request_WithUnsafeCorrelationId_IsReplaced()
    {
        using var client = fixture.App.CreateBrowserLikeClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "healthz");
        request.Headers.TryAddWithoutValidation("X-Correlation-ID", "<script>alert(1)</script>");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.True(Guid.TryParse(Assert.Single(response.Headers.GetValues("X-Correlation-ID")), out _));
    }

    [Fact]
    public async Task RefusedRequest_StillCarriesCorrelationId()
    {
        using var client = fixture.App.CreateBrowserLikeClient();

        using var response = await client.GetAsync("admin/users", TestContext.Current.CancellationToken);

        Assert.True(response.Headers.Contains("X-Correlation-ID"));
    }
}
