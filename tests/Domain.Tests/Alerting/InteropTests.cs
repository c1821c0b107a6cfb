using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Alerting.Interop;

namespace TovPlay.Logs.Domain.Tests.Alerting;

/// <summary>Rules and routing out as Prometheus, Loki and Alertmanager files, and back in unchanged.</summary>
public sealed class InteropTests
{
    private static readonly AlertRule[] s_rules =
    [
        new()
        {
            Name = "MassDelete", Folder = "Built-in", Group = "data", Interval = TimeSpan.FromSeconds(30), PendingFor = TimeSpan.FromMinutes(1),
            KeepFiringFor = TimeSpan.FromMinutes(5),
            Query = """sum by (table) (sum_over_time({job="tovplay-db-audit"} |= "DELETE" | json | action="DELETE" | unwrap rows [5m]))""",
            Threshold = new AlertThreshold(AlertComparator.Above, 100),
            Labels = new Dictionary<string, string> { ["severity"] = "critical" },
            Annotations = new Dictionary<string, string> { ["summary"] = "{{ $value }} rows deleted from {{ $labels.table }}: \"quoted\" # not a comment" },
        },
        new()
        {
            Name = "ErrorsCompare", Folder = "Built-in", Group = "data", Interval = TimeSpan.FromMinutes(1),
            Query = """sum(count_over_time({job="tovplay-backend"} |= "error" [5m])) > 5""",
        },
        new()
        {
            Name = "Up", Folder = "Infra", Group = "prom", Interval = TimeSpan.FromSeconds(15), Source = AlertDataSource.PromQL,
            Query = "sum(up{job=\"tovplay\"}) by (instance)", Threshold = new AlertThreshold(AlertComparator.Below, 1),
        },
    ];

    [Theory]
    [InlineData(AlertDataSource.LogQL)]
    [InlineData(AlertDataSource.PromQL)]
    public void RuleFiles_RoundTrip_EveryField_AndOnlyTheirLanguage(AlertDataSource source)
    {
        var yaml = RuleFile.Export(s_rules, source);
        var back = RuleFile.Import(yaml, source);

        Assert.Empty(back.Problems);
        var expected = s_rules.Where(r => r.Source == source).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Count, back.Items.Count);
        foreach (var (want, got) in expected.Zip(back.Items.OrderBy(r => r.Name, StringComparer.Ordinal)))
        {
            Assert.Equal((want.Name, want.Folder, want.Group, want.Query, want.Threshold, want.Interval, want.PendingFor, want.KeepFiringFor, want.Source),
                (got.Name, got.Folder, got.Group, got.Query, got.Threshold, got.Interval, got.PendingFor, got.KeepFiringFor, got.Source));
            Assert.Equal(want.Labels.OrderBy(l => l.Key), got.Labels.OrderBy(l => l.Key));
            Assert.Equal(want.Annotations.OrderBy(l => l.Key), got.Annotations.OrderBy(l => l.Key));
        }
    }

    [Fact]
    public void AThresholdIsWrittenIntoTheExpression_AsPrometheusReadsIt()
    {
        var yaml = RuleFile.Export(s_rules, AlertDataSource.PromQL);

        Assert.Contains("expr: (sum(up{job=\"tovplay\"}) by (instance)) < 1", yaml, StringComparison.Ordinal);
        Assert.Contains("name: Infra/prom", yaml, StringComparison.Ordinal);
        Assert.Contains("interval: 15s", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void AnImport_SaysWhatItCouldNotRead_AndKeepsTheRest()
    {
        const string yaml = """
            groups:
              - name: team/api
                interval: 1m
                rules:
                  - record: job:requests:rate5m
                    expr: sum(rate(requests[5m]))
                  - alert: Broken
                    expr: sum(count_over_time({job="x"}[5m]
                  - alert: Fine
                    expr: sum(count_over_time({job="x"}[5m])) > 1
                    for: soon
                  - alert: Good
                    expr: (sum(count_over_time({job="x"}[5m]))) >= 2
            """;

        var result = RuleFile.Import(yaml, AlertDataSource.LogQL);

        var good = Assert.Single(result.Items);
        Assert.Equal(("Good", "team", "api", "sum(count_over_time({job=\"x\"}[5m]))", ">= 2"), (good.Name, good.Folder, good.Group, good.Query, good.Threshold!.ToString()));
        Assert.Equal(3, result.Problems.Count);
        Assert.Contains(result.Problems, p => p.Contains("recording rule", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.StartsWith("Broken: Query: parse error", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.StartsWith("Fine: for \"soon\"", StringComparison.Ordinal));
        Assert.Matches("^line [0-9]+, column [0-9]+: ", RuleFile.Import("groups: [", AlertDataSource.LogQL).Problems[0]);
    }

    [Fact]
    public void AnAlertmanagerConfiguration_RoundTrips_RoutingReceiversAndTimeIntervals()
    {
        var (window, _) = MuteWindow.Parse("22:00-24:00", "monday:friday", "1:7", "december", "Europe/Berlin");
        var setup = new AlertmanagerSetup(
            new AlertRoute
            {
                Receiver = "on-call", GroupBy = ["alertname"], GroupWait = TimeSpan.Zero, GroupInterval = TimeSpan.FromMinutes(1), RepeatInterval = TimeSpan.FromHours(2),
                Routes =
                [
                    new AlertRoute { Receiver = "db-team", Matchers = [AlertMatcher.Parse("team=~\"db|data\"")], Continue = true, MuteTimings = ["nights"] },
                    new AlertRoute { Matchers = [AlertMatcher.Parse("severity!=\"info\"")], GroupBy = ["..."] },
                ],
            },
            [
                new DiscordReceiver("on-call", "https://discord.com/api/webhooks/123456789012345678/token", DiscordSettings.DefaultTitle, "{{ .Status }}", true),
                new DiscordReceiver("db-team", null, null, null, false),
            ],
            [new MuteTiming("nights", [window!])]);

        var yaml = AlertmanagerConfig.Export(setup);
        var back = Assert.Single(AlertmanagerConfig.Import(yaml).Items);

        Assert.Equal(PolicyText(setup.Root), PolicyText(back.Root));
        Assert.Equal(
            [("on-call", "https://discord.com/api/webhooks/123456789012345678/token", (string?)null, "{{ .Status }}", true), ("db-team", null, null, null, false)],
            back.Receivers.Select(r => (r.Name, r.WebhookUrl, r.Title, r.Message, r.SendResolved)));
        Assert.Equal("22:00-24:00|monday:friday|1:7|december|Europe/Berlin",
            string.Join("|", back.MuteTimings.Single().Windows.Select(w => $"{w.TimesText}|{w.WeekdaysText}|{w.DaysOfMonthText}|{w.MonthsText}|{w.Location}")));
        Assert.Contains(AlertmanagerConfig.PlaceholderUrl, yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRecordedAlertmanagerConfiguration_Imports_WithItsWebhookReceiverNamed()
    {
        var yaml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "alertmanager-0.25", "alertmanager.yml"));

        var result = AlertmanagerConfig.Import(yaml);

        var setup = Assert.Single(result.Items);
        Assert.Equal(["discord"], setup.Receivers.Select(r => r.Name));
        Assert.Equal("http://127.0.0.1:59094/discord", setup.Receivers[0].WebhookUrl);
        Assert.Equal("receiver webhook: only Discord receivers are imported; it was left out.", Assert.Single(result.Problems));
        Assert.Equal(2, setup.Root.Routes.Count);
        Assert.Equal(TimeSpan.FromSeconds(5), setup.Root.GroupInterval);
    }

    private static string PolicyText(AlertRoute route) =>
        $"{route.Receiver}|{string.Join(",", route.GroupBy ?? [])}|{route.GroupWait}|{route.GroupInterval}|{route.RepeatInterval}|{string.Join(",", route.Matchers)}|{route.Continue}|{string.Join(",", route.MuteTimings)}"
        + "[" + string.Join(";", route.Routes.Select(PolicyText)) + "]";
}
