using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Web.Alerting;

namespace TovPlay.Logs.Web.Tests.Alerting;

public sealed class AlertLinksTests
{
    private static readonly DateTimeOffset s_started = new(2026, 12, 4, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AnAlertAboutConnections_LinksToTheDatabasePage_OthersToTheirInvestigation()
    {
        var connections = AlertLinks.Investigate("https://app.tovplay.org/logs", new Dictionary<string, string> { ["scenario"] = BuiltInRules.DatabasePage }, s_started);
        var wipe = AlertLinks.Investigate("https://app.tovplay.org/logs/", new Dictionary<string, string> { ["scenario"] = "wipe", ["subject"] = "users" }, s_started);

        Assert.Equal("https://app.tovplay.org/logs/database", connections);
        Assert.Equal("https://app.tovplay.org/logs/investigate/wipe?around=2026-12-04T03%3A00%3A00Z&subject=users", wipe);
    }
}
