using System.Text.Json;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs.Samples;
using TovPlay.Logs.Domain.Tests.Shared;

namespace TovPlay.Logs.Domain.Tests.LogQL.Evaluation;

/// <summary>
/// The evaluator against an independent oracle: the same questions answered with plain LINQ and System.Text.Json
/// over the generated data set must give the same numbers.
/// </summary>
public sealed class DataSetGoldenTests
{
    private const long Minute = 60_000_000_000;

    private static List<LogResult> Logs(string query, int limit = 100_000) =>
        [.. LogQueryEvaluator.Run(Assert.IsType<LogQueryExpr>(LogQLQuery.Parse(query)), SampleData.Source, SampleData.StartNs, SampleData.EndNs + 1, Direction.Forward, limit)];

    private static string? Field(string json, string name) =>
        JsonDocument.Parse(json).RootElement.TryGetProperty(name, out var value) ? value.ToString() : null;

    [Fact]
    public void LineFilter_Contains_MatchesSubstringCount()
    {
        var expected = SampleData.Lines("tovplay-backend").Count(l => l.Entry.Line.Contains("DELETE", StringComparison.Ordinal));

        Assert.Equal(expected, Logs("{job=\"tovplay-backend\"} |= \"DELETE\"").Count);
        Assert.True(expected > 100);
    }

    [Fact]
    public void JsonFilter_Action_MatchesParsedCount()
    {
        var expected = SampleData.Lines("tovplay-backend").Count(l => Field(l.Entry.Line, "action") == "DELETE");

        var result = Logs("{job=\"tovplay-backend\"} | json | action=\"DELETE\"");

        Assert.Equal(expected, result.Count);
        Assert.All(result, r => Assert.Equal("DELETE", r.Labels["action"]));
    }

    [Fact]
    public void JsonNumericFilter_Status_MatchesParsedCount()
    {
        var expected = SampleData.Lines("tovplay-backend").Count(l => int.Parse(Field(l.Entry.Line, "status")!, System.Globalization.CultureInfo.InvariantCulture) >= 500);

        Assert.Equal(expected, Logs("{job=\"tovplay-backend\"} | json | status >= 500").Count);
    }

    [Fact]
    public void LogfmtFilter_Truncates_AreTheIncident()
    {
        var result = Logs("{job=\"tovplay-db-audit\"} | json | action=\"TRUNCATE\"");

        Assert.Equal(["users", "friends"], result.Select(r => r.Labels["table"]));
        Assert.All(result, r =>
        {
            Assert.Equal(SampleDataSet.IncidentIp, r.Labels["client_addr"]);
            Assert.Equal("psql", r.Labels["application"]);
            Assert.Equal(SampleDataSet.IncidentDbUser, r.Labels["db_user"]);
        });
        Assert.Equal("TRUNCATE users", result[0].Labels["statement"]);
    }

    [Fact]
    public void CountOverTime_ByLevel_MatchesWindowCounts()
    {
        var query = LogQLQuery.Parse("sum by (level) (count_over_time({job=\"tovplay-backend\"}[1m]))");

        var result = MetricEvaluator.EvaluateRange(query, SampleData.Source, SampleData.StartNs, SampleData.EndNs, 5 * Minute);

        foreach (var series in result.Series)
        {
            var level = series.Labels["level"];
            foreach (var point in series.Points)
            {
                var expected = SampleData.Lines("tovplay-backend").Count(l =>
                    l.Labels["level"] == level && l.Entry.TimestampNs > point.TimestampNs - Minute && l.Entry.TimestampNs <= point.TimestampNs);
                Assert.Equal(expected, point.Value);
            }
        }

        Assert.Equal(["error", "info", "warn"], result.Series.Select(s => s.Labels["level"]).Order());
    }

    [Fact]
    public void QuantileOverTime_MatchesSortedDurations()
    {
        var at = SampleData.StartNs + (30 * Minute);
        var query = LogQLQuery.Parse("quantile_over_time(0.95, {job=\"tovplay-backend\"} | json | unwrap duration_ms | __error__=\"\" [10m]) by (path)");

        var result = MetricEvaluator.EvaluateInstant(query, SampleData.Source, at);

        var leaderboard = result.Series.Single(s => s.Labels["path"] == "/api/leaderboard").Points.Single().Value;
        var durations = SampleData.Lines("tovplay-backend")
            .Where(l => l.Entry.TimestampNs > at - (10 * Minute) && l.Entry.TimestampNs <= at && Field(l.Entry.Line, "path") == "/api/leaderboard")
            .Select(l => double.Parse(Field(l.Entry.Line, "duration_ms")!, System.Globalization.CultureInfo.InvariantCulture))
            .Order().ToArray();
        var rank = 0.95 * (durations.Length - 1);
        var expected = durations[(int)Math.Floor(rank)] + ((durations[(int)Math.Ceiling(rank)] - durations[(int)Math.Floor(rank)]) * (rank - Math.Floor(rank)));
        Assert.Equal(expected, leaderboard, 6);
    }

    [Fact]
    public void CorrelationId_JoinsFrontendBackendAndAudit()
    {
        var audit = SampleData.Lines("tovplay-db-audit").First(l => l.Entry.Line.Contains("\"correlation_id\"", StringComparison.Ordinal)).Entry.Line;
        var correlation = System.Text.Json.JsonDocument.Parse(audit).RootElement.GetProperty("correlation_id").GetString();

        var result = Logs($"{{env=\"prod\", job=~\"tovplay-.*\"}} |= \"{correlation}\"");

        Assert.Contains(result, r => r.Labels["job"] == "tovplay-backend");
        Assert.Contains(result, r => r.Labels["job"] == "tovplay-db-audit");
        Assert.Equal(result.OrderBy(r => r.TimestampNs).Select(r => r.TimestampNs), result.Select(r => r.TimestampNs));
    }

    [Fact]
    public void Backward_WithLimit_ReturnsNewestFirst()
    {
        var query = Assert.IsType<LogQueryExpr>(LogQLQuery.Parse("{job=\"tovplay-backend\"}"));
        var newest = SampleData.Lines("tovplay-backend").Select(l => l.Entry.TimestampNs).OrderDescending().Take(25).ToList();

        var result = LogQueryEvaluator.Run(query, SampleData.Source, SampleData.StartNs, SampleData.EndNs + 1, Direction.Backward, 25).ToList();

        Assert.Equal(newest, result.Select(r => r.TimestampNs));
    }
}
