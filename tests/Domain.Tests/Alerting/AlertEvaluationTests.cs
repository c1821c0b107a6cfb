using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.Alerting;

public sealed class AlertEvaluationTests
{
    private static readonly AlertRule s_rule = new()
    {
        Name = "SlowRoute",
        Query = "quantile_over_time(0.95, {job=\"tovplay-backend\"} | json | unwrap duration_ms [5m]) by (route)",
        Threshold = new AlertThreshold(AlertComparator.Above, 500),
        Labels = new Dictionary<string, string> { ["severity"] = "warning", ["route"] = "overridden?" },
        Annotations = new Dictionary<string, string> { ["summary"] = "{{ $labels.route }} p95 is {{ $value }} ms" },
    };

    private static readonly AlertRule s_byRoute = s_rule with { Labels = new Dictionary<string, string> { ["severity"] = "warning" } };

    [Fact]
    public void EachSeriesIsAnInstance_WithTheRulesLabelsAndAlertname_AndTheThresholdDecides()
    {
        var outcomes = AlertEvaluation.Outcomes(s_byRoute,
            [new AlertSample(LabelSet.From(("route", "/api/games")), 800), new AlertSample(LabelSet.From(("route", "/api/users")), 120)], null, []);

        var games = outcomes.Single(o => o.Labels["route"] == "/api/games");
        var users = outcomes.Single(o => o.Labels["route"] == "/api/users");
        Assert.Equal(("SlowRoute", "warning", EvaluationOutcome.Breaching, 800d), (games.Labels["alertname"], games.Labels["severity"], games.Outcome, games.Value!.Value));
        Assert.Equal(EvaluationOutcome.Ok, users.Outcome);
        // The rule's own instance (no series labels) is there too, clear.
        Assert.Equal(EvaluationOutcome.Ok, outcomes.Single(o => o.Labels.Count == 2).Outcome);
    }

    [Fact]
    public void RuleLabels_OverrideTheSeries_AsInPrometheus_AndTwoSeriesBecomingOne_IsAnError()
    {
        var outcomes = AlertEvaluation.Outcomes(s_rule,
            [new AlertSample(LabelSet.From(("route", "/a")), 800), new AlertSample(LabelSet.From(("route", "/b")), 900)], null, []);

        var error = Assert.Single(outcomes);
        Assert.Equal(EvaluationOutcome.Error, error.Outcome);
        Assert.Contains("two series", error.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ASeriesNoLongerReturned_IsOk_NoSeriesAtAll_IsNoDataForTheRule_AndAFailure_TouchesOnlyTheRulesInstance()
    {
        var games = AlertEvaluation.LabelsOf(s_byRoute, LabelSet.From(("route", "/api/games")));

        var empty = AlertEvaluation.Outcomes(s_byRoute, [], null, [games]);
        var failed = AlertEvaluation.Outcomes(s_byRoute, null, "connection refused", [games]);
        var ownComparison = AlertEvaluation.Outcomes(s_byRoute with { Threshold = null }, [], null, [games]);

        Assert.Equal(EvaluationOutcome.Ok, empty.Single(o => o.Labels.Equals(games)).Outcome);
        Assert.Equal(EvaluationOutcome.NoData, empty.Single(o => !o.Labels.Equals(games)).Outcome);
        Assert.Equal((EvaluationOutcome.Error, "connection refused"), (Assert.Single(failed).Outcome, failed[0].Error));
        Assert.Equal(2, failed[0].Labels.Count);
        // Without a threshold the query's own comparison decides: nothing returned is nothing wrong.
        Assert.All(ownComparison, o => Assert.Equal(EvaluationOutcome.Ok, o.Outcome));
    }

    [Fact]
    public void Annotations_AreRenderedWithLabelsAndValue()
    {
        var labels = AlertEvaluation.LabelsOf(s_byRoute, LabelSet.From(("route", "/api/games")));

        Assert.Equal("/api/games p95 is 812.5 ms", AlertEvaluation.Annotations(s_byRoute, labels, 812.5)["summary"]);
    }

    [Theory]
    [InlineData("", "Name")]
    [InlineData("{job=\"x\"", "Query")]
    [InlineData("{job=\"x\"} |= \"error\"", "Query")]
    public void ProblemsNameTheField(string nameOrQuery, string field)
    {
        var rule = field == "Name" ? s_byRoute with { Name = nameOrQuery } : s_byRoute with { Query = nameOrQuery };

        var problem = Assert.Single(AlertRuleProblems.Of(rule));

        Assert.Equal(field, problem.Field);
    }

    [Fact]
    public void AQueryProblem_KeepsTheParsersLineAndColumn_AndALogQuery_IsToldHowToCount()
    {
        var syntax = AlertRuleProblems.LogQuery(s_byRoute with { Query = "sum(count_over_time({job=\"x\"}[5m])" });
        var lines = AlertRuleProblems.LogQuery(s_byRoute with { Query = "{job=\"x\"} |= \"error\"" });

        Assert.StartsWith("parse error at line 1, col ", syntax, StringComparison.Ordinal);
        Assert.Contains("count_over_time({job=\"x\"} |= \"error\" [5m])", lines, StringComparison.Ordinal);
    }

    [Fact]
    public void Durations_LabelsAndTemplates_AreChecked()
    {
        var rule = s_byRoute with
        {
            Interval = TimeSpan.FromMilliseconds(500),
            PendingFor = TimeSpan.FromDays(8),
            Labels = new Dictionary<string, string> { ["1bad"] = "x" },
            Annotations = new Dictionary<string, string> { ["summary"] = "{{ if .x }}", ["runbook_url"] = "ftp://x" },
        };

        var fields = AlertRuleProblems.Of(rule).Select(p => p.Field).ToList();

        Assert.Equal(["Interval", "PendingFor", "Labels", "Summary", "RunbookUrl"], fields);
    }

    [Fact]
    public void TheLinesBehindAFiringSeries_AreItsLogQuery_NarrowedToItsLabels_OverItsRange()
    {
        var sample = AlertLogLines.QueryFor(
            "sum by (route) (count_over_time({job=\"tovplay-backend\"} | json | status >= 500 [5m])) > 10", LabelSet.From(("route", "/api/\"games\"")));

        Assert.Equal(("{job=\"tovplay-backend\"} | json | status>=500 | route=\"/api/\\\"games\\\"\"", TimeSpan.FromMinutes(5)), sample!.Value);
        Assert.True(Domain.LogQL.LogQLQuery.TryParse(sample.Value.Query, out _, out _));
        Assert.Null(AlertLogLines.QueryFor("vector(1)", LabelSet.Empty));
    }
}
