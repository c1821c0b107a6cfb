using TovPlay.Logs.Domain.Alerting;

namespace TovPlay.Logs.Domain.Tests.Alerting;

public sealed class BuiltInRulesTests
{
    public static TheoryData<string> Keys => [.. BuiltInRules.All.Select(b => b.Key)];

    [Fact]
    public void ThePackCoversWhatOnCallAskedFor_WithDistinctKeysAndNames()
    {
        Assert.True(BuiltInRules.All.Count >= 20, $"{BuiltInRules.All.Count} built-in rules");
        Assert.Equal(BuiltInRules.All.Count, BuiltInRules.All.Select(b => b.Key).Distinct().Count());
        Assert.Equal(BuiltInRules.All.Count, BuiltInRules.All.Select(b => b.Template.Name).Distinct().Count());
        Assert.Equal(AlertChecks.All.Keys.Order(), BuiltInRules.All.Where(b => b.Template.Source == AlertDataSource.Check).Select(b => b.Template.Query).Order());
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void EachBuiltInRule_IsAValidRule_AndSwitchesOnAsItsOwnCopy(string key)
    {
        var builtIn = BuiltInRules.Find(key)!;

        Assert.Empty(AlertRuleProblems.Of(builtIn.Template));
        var on = builtIn.SwitchOn();
        Assert.Equal((key, BuiltInRules.Folder), (on.BuiltIn, on.Folder));
        Assert.NotEqual(builtIn.Template.Id, on.Id);
        Assert.NotEqual(on.Id, builtIn.SwitchOn().Id);
        Assert.True(builtIn.Template.Labels.ContainsKey("severity"));
    }

    [Fact]
    public void TheRulesAboutConnections_SendTheirAlertsToTheDatabasePage()
    {
        var connections = BuiltInRules.All.Where(b => b.Category == "Database" && b.Key != "deadlocks").ToList();

        Assert.Equal(["connections-high", "idle-in-transaction", "long-running-queries", "lock-waits", "pgbouncer-waiting"], connections.Select(b => b.Key));
        Assert.All(connections, b => Assert.Equal(BuiltInRules.DatabasePage, b.Template.Annotations["scenario"]));
    }
}
