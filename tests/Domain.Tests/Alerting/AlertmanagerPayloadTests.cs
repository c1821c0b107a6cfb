using TovPlay.Logs.Domain.Alerting;

namespace TovPlay.Logs.Domain.Tests.Alerting;

/// <summary>What Alertmanager and Prometheus post, read from their recorded bodies.</summary>
public sealed class AlertmanagerPayloadTests
{
    private static readonly string s_fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "alertmanager-0.25");
    private static readonly DateTimeOffset s_now = new(2026, 11, 26, 18, 25, 0, TimeSpan.Zero);

    [Fact]
    public void AnAlertmanagerWebhook_IsReadAsItsAlerts_WithTheSameFingerprint()
    {
        var alert = Assert.Single(AlertmanagerPayload.Read(File.ReadAllText(Path.Combine(s_fixtures, "webhook-firing.json")), s_now));

        Assert.Equal("b3785d3d22f0281c", alert.Fingerprint);
        Assert.False(alert.Resolved);
        Assert.Null(alert.EndsAt);
        Assert.Equal("Feas error rate high", alert.Annotations["summary"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 18, 21, 32, TimeSpan.Zero), alert.StartsAt);
        Assert.Equal("http://127.0.0.1:59090/graph?g0.expr=up", alert.GeneratorUrl);
        Assert.True(Assert.Single(AlertmanagerPayload.Read(File.ReadAllText(Path.Combine(s_fixtures, "webhook-resolved.json")), s_now)).Resolved);
    }

    [Fact]
    public void PrometheusAlertList_FiresUntilItsEnd_AndAPastEndResolves()
    {
        var firing = Assert.Single(AlertmanagerPayload.Read(File.ReadAllText(Path.Combine(s_fixtures, "alert.json")), s_now));
        var resolved = Assert.Single(AlertmanagerPayload.Read(File.ReadAllText(Path.Combine(s_fixtures, "resolve.json")), s_now.AddHours(1)));

        Assert.False(firing.Resolved);
        Assert.True(resolved.Resolved);
        Assert.Equal(firing.Fingerprint, resolved.Fingerprint);
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("{\"status\": \"firing\"}", "Expected an Alertmanager webhook")]
    [InlineData("[{\"labels\": {}}]", "alerts[0] has no labels")]
    [InlineData("[{\"labels\": {\"1bad\": \"x\"}}]", "\"1bad\" is not a label name")]
    [InlineData("[{\"labels\": {\"a\": 1}}]", "alerts[0].labels.a is not a string")]
    [InlineData("[{\"labels\": {\"a\": \"x\"}, \"startsAt\": \"yesterday\"}]", "alerts[0].startsAt is not an RFC 3339 time")]
    public void ABadBody_IsRefusedWithWhere(string body, string reason) =>
        Assert.Contains(reason, Assert.Throws<FormatException>(() => AlertmanagerPayload.Read(body, s_now)).Message, StringComparison.Ordinal);
}
