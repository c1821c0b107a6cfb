using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.Alerting;

/// <summary>Alertmanager's routing rules, first on the configuration a real Alertmanager 0.25 was recorded with, then on a deeper tree.</summary>
public sealed class AlertRoutingTests
{
    // tests/Fixtures/alertmanager-0.25/alertmanager.yml: the root sends to webhook; FeasTest goes to discord (continue)
    // and to webhook.
    private static readonly AlertRoute s_recorded = new()
    {
        Receiver = "webhook",
        GroupBy = ["alertname"],
        GroupWait = TimeSpan.FromSeconds(1),
        GroupInterval = TimeSpan.FromSeconds(5),
        RepeatInterval = TimeSpan.FromHours(1),
        Routes =
        [
            new AlertRoute { Receiver = "discord", Continue = true, Matchers = [new AlertMatcher("alertname", AlertMatchType.Equal, "FeasTest")] },
            new AlertRoute { Receiver = "webhook", Matchers = [new AlertMatcher("alertname", AlertMatchType.Equal, "FeasTest")] },
        ],
    };

    private static readonly LabelSet s_feas = LabelSet.From(("alertname", "FeasTest"), ("instance", "127.0.0.1:55080"), ("service", "feas-web"), ("severity", "critical"));

    [Fact]
    public void TheRecordedAlert_GoesToDiscordAndThenTheWebhook_GroupedByAlertname_WithTheRootsTiming()
    {
        var destinations = AlertRouting.Route(s_recorded, s_feas);

        Assert.Equal(["discord", "webhook"], destinations.Select(d => d.Receiver));
        Assert.All(destinations, d =>
        {
            Assert.Equal("{alertname=\"FeasTest\"}", d.GroupLabels.ToString());
            Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromHours(1)), (d.GroupWait, d.GroupInterval, d.RepeatInterval));
        });
    }

    [Fact]
    public void AnAlertNoPolicyMatches_GoesToTheRoot()
    {
        var destination = Assert.Single(AlertRouting.Route(s_recorded, LabelSet.From(("alertname", "Other"))));

        Assert.Equal("webhook", destination.Receiver);
    }

    [Fact]
    public void TheFirstMatchingPolicy_WithoutContinue_StopsTheSiblings_AndNestedPoliciesInheritAndOverride()
    {
        var root = new AlertRoute
        {
            Receiver = "default",
            Routes =
            [
                new AlertRoute
                {
                    Receiver = "db-team",
                    GroupBy = ["table"],
                    Matchers = [new AlertMatcher("team", AlertMatchType.Regex, "db|data")],
                    Routes = [new AlertRoute { Receiver = "db-pager", RepeatInterval = TimeSpan.FromMinutes(30), Matchers = [new AlertMatcher("severity", AlertMatchType.Equal, "critical")] }],
                },
                new AlertRoute { Receiver = "never", Matchers = [new AlertMatcher("team", AlertMatchType.NotEqual, "web")] },
            ],
        };

        var critical = Assert.Single(AlertRouting.Route(root, LabelSet.From(("team", "db"), ("severity", "critical"), ("table", "users"))));
        var warning = Assert.Single(AlertRouting.Route(root, LabelSet.From(("team", "data"), ("severity", "warning"), ("table", "games"))));
        var partial = Assert.Single(AlertRouting.Route(root, LabelSet.From(("team", "dbx"))));

        Assert.Equal(("db-pager", "{table=\"users\"}", TimeSpan.FromMinutes(30), AlertRouting.DefaultGroupWait), (critical.Receiver, critical.GroupLabels.ToString(), critical.RepeatInterval, critical.GroupWait));
        Assert.Equal(("db-team", AlertRouting.DefaultRepeatInterval), (warning.Receiver, warning.RepeatInterval));
        // "db|data" must match the whole value, as Alertmanager anchors its regexes: "dbx" is no team of theirs.
        Assert.Equal("never", partial.Receiver);
    }

    [Fact]
    public void GroupingByEllipsis_GroupsByEveryLabel_AndAMissingLabelMatchesAsEmpty()
    {
        var root = new AlertRoute
        {
            Receiver = "all",
            GroupBy = ["..."],
            Routes = [new AlertRoute { Receiver = "unassigned", Matchers = [new AlertMatcher("team", AlertMatchType.Equal, "")] }],
        };

        var destination = Assert.Single(AlertRouting.Route(root, s_feas));

        Assert.Equal("unassigned", destination.Receiver);
        Assert.Equal(s_feas, destination.GroupLabels);
    }

    [Fact]
    public void GroupKeysAndFingerprints_AreAlertmanagers_AsItsWebhookCarriedThem()
    {
        // tests/Fixtures/alertmanager-0.25/webhook-firing.json
        var destination = AlertRouting.Route(s_recorded, s_feas)[1];

        Assert.Equal("{}/{alertname=\"FeasTest\"}:{alertname=\"FeasTest\"}", destination.GroupKey);
        Assert.Equal("b3785d3d22f0281c", AlertFingerprint.Of(s_feas));
    }

    [Fact]
    public void MuteTimings_BelongToTheirPolicyAlone()
    {
        var root = new AlertRoute
        {
            Receiver = "default",
            MuteTimings = ["nights"],
            Routes = [new AlertRoute { Receiver = "team", MuteTimings = ["weekends"], Matchers = [new AlertMatcher("team", AlertMatchType.Equal, "db")] }],
        };

        Assert.Equal(["weekends"], Assert.Single(AlertRouting.Route(root, LabelSet.From(("team", "db")))).MuteTimings);
        Assert.Equal(["nights"], Assert.Single(AlertRouting.Route(root, LabelSet.From(("team", "web")))).MuteTimings);
    }
}
