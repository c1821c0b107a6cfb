using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Queries;
using TovPlay.Logs.Domain.Tests.Queries;
using TovPlay.Logs.Domain.Tests.Shared;

namespace TovPlay.Logs.Domain.Tests.LogQL.Evaluation;

/// <summary>The hints a store may push down, and that results do not change when a store takes them.</summary>
public sealed class LogSelectionTests
{
    private static LogSelection For(string query, bool linesNeeded = true) =>
        LogSelection.For(Assert.IsType<LogQueryExpr>(LogQLQuery.Parse(query)), 0, 10, Direction.Forward, linesNeeded);

    [Fact]
    public void For_LiteralFiltersBeforeLineFormat_AreHints()
    {
        var selection = For("{job=\"a\"} |= \"x\" or \"y\" | json != \"z\" |~ \"r\" |= ip(\"10.0.0.1\") | line_format \"{{.a}}\" |= \"after\"");

        Assert.Equal(["|= x,y", "!= z"], selection.LineFilters.Select(f => $"{(f.Operator == LineFilterOperator.Contains ? "|=" : "!=")} {string.Join(",", f.Values.Select(v => v.Value))}"));
    }

    [Fact]
    public void For_Decolorize_EndsTheHints()
    {
        Assert.Empty(For("{job=\"a\"} | decolorize |= \"x\"").LineFilters);
    }

    [Fact]
    public void For_LinesNotNeeded_OnlyWithAnEmptyPipeline()
    {
        Assert.False(For("{job=\"a\"}", linesNeeded: false).LinesNeeded);
        Assert.True(For("{job=\"a\"} |= \"x\"", linesNeeded: false).LinesNeeded);
        Assert.True(For("{job=\"a\"}").LinesNeeded);
    }

    [Fact]
    public void CountOverTime_EmptyPipeline_DoesNotAskForLines()
    {
        var source = new HintApplyingSource(SampleData.Source);

        MetricEvaluator.EvaluateRange(LogQLQuery.Parse("count_over_time({job=\"tovplay-backend\"}[1m])"), source, SampleData.StartNs, SampleData.EndNs, 60_000_000_000);
        MetricEvaluator.EvaluateRange(LogQLQuery.Parse("bytes_over_time({job=\"tovplay-backend\"}[1m])"), source, SampleData.StartNs, SampleData.EndNs, 60_000_000_000);

        Assert.Equal([false, true], source.Selections.Select(s => s.LinesNeeded));
    }

    public static TheoryData<string> Ids => [.. ForensicQueryLibrary.All.Select(q => q.Id)];

    [Theory]
    [MemberData(nameof(Ids))]
    public void LibraryQuery_ThroughAHintApplyingStore_GivesTheSameResult(string id)
    {
        var query = ForensicQueryLibrary.Find(id)!;
        var expr = query.Render(ForensicQueryLibraryTests.SampleArguments(query));
        var hinted = new HintApplyingSource(SampleData.Source);

        if (expr is LogQueryExpr log)
        {
            var plain = LogQueryEvaluator.Run(log, SampleData.Source, SampleData.StartNs, SampleData.EndNs, Direction.Backward, 500).ToList();
            var pushed = LogQueryEvaluator.Run(log, hinted, SampleData.StartNs, SampleData.EndNs, Direction.Backward, 500).ToList();
            Assert.Equal(plain, pushed);
        }
        else
        {
            var plain = MetricEvaluator.EvaluateRange(expr, SampleData.Source, SampleData.StartNs, SampleData.EndNs, 60_000_000_000);
            var pushed = MetricEvaluator.EvaluateRange(expr, hinted, SampleData.StartNs, SampleData.EndNs, 60_000_000_000);
            Assert.Equal(Flatten(plain), Flatten(pushed));
        }
    }

    private static List<string> Flatten(MetricResult result) =>
        [.. result.Series.SelectMany(s => s.Points.Select(p => $"{s.Labels} {p.TimestampNs} {p.Value}")).Order(StringComparer.Ordinal)];

    /// <summary>
    /// A grouped metric query extracts only the json fields it reads; "| drop nothing_here" (a stage that changes
    /// nothing) turns that off, so both forms must give the same series, errors included.
    /// </summary>
    [Theory]
    [InlineData("quantile_over_time(0.99, {job=\"tovplay-backend\"} | json%DROP% | unwrap duration_ms [1m]) by (path)")]
    [InlineData("max_over_time({job=\"tovplay-backend\"} | json | level_extracted=\"error\"%DROP% | unwrap duration_ms [5m]) by (path, level)")]
    [InlineData("avg_over_time({job=~\"tovplay-.+\"} | json | __error__=\"\"%DROP% | unwrap duration_ms | __error__=\"\" [10m]) by (job, status)")]
    [InlineData("min_over_time({job=\"tovplay-backend\"} | json | status >= 400%DROP% | unwrap duration_ms [1m]) by (username)")]
    public void GroupedMetric_ExtractingOnlyReadFields_GivesTheSameSeries(string template)
    {
        var optimised = LogQLQuery.Parse(template.Replace("%DROP%", "", StringComparison.Ordinal));
        var full = LogQLQuery.Parse(template.Replace("%DROP%", " | drop nothing_here", StringComparison.Ordinal));

        var a = Flatten(MetricEvaluator.EvaluateRange(optimised, SampleData.Source, SampleData.StartNs, SampleData.EndNs, 60_000_000_000));
        var b = Flatten(MetricEvaluator.EvaluateRange(full, SampleData.Source, SampleData.StartNs, SampleData.EndNs, 60_000_000_000));

        Assert.NotEmpty(a);
        Assert.Equal(b, a);
    }
}
