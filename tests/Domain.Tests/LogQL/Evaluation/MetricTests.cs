using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.LogQL.Evaluation;

/// <summary>Metric semantics on small streams whose answers can be worked out by hand.</summary>
public sealed class MetricTests
{
    private const long S = 1_000_000_000;

    // Two streams; one line per second from t=1s to t=10s; "app" logs logfmt, "web" logs JSON.
    private static readonly InMemoryLogSource s_source = new(
    [
        new LogStream(LabelSet.From(("job", "app"), ("level", "info")),
            [.. Enumerable.Range(1, 10).Select(i => new LogEntry(i * S, $"status={(i % 3 == 0 ? 500 : 200)} took={i * 100}ms path=/p{i % 2} size={i}KB"))]),
        new LogStream(LabelSet.From(("job", "app"), ("level", "error")),
            [.. Enumerable.Range(1, 4).Select(i => new LogEntry(i * 2 * S, $"status=503 took=1s path=/p0 size=1KB"))]),
        new LogStream(LabelSet.From(("job", "web")),
            [.. Enumerable.Range(1, 10).Select(i => new LogEntry(i * S, $"{{\"path\":\"/w{i % 2}\",\"ms\":{i}}}"))]),
    ]);

    private static MetricResult Range(string query, long start, long end, long step) =>
        MetricEvaluator.EvaluateRange(LogQLQuery.Parse(query), s_source, start, end, step);

    private static MetricResult Instant(string query, long time) => MetricEvaluator.EvaluateInstant(LogQLQuery.Parse(query), s_source, time);

    private static double ValueOf(MetricResult result, string labels) =>
        Assert.Single(Assert.Single(result.Series, s => s.Labels.ToString() == labels).Points).Value;

    [Fact]
    public void CountOverTime_StreamsMergedIntoOneSeries_CountsEveryWindowRight()
    {
        // "drop level" folds the info stream (t=1..10 s) and the error stream (t=2,4,6,8 s) into one series.
        var result = Range("count_over_time({job=\"app\"} | drop level [2s])", 2 * S, 10 * S, 2 * S);

        var series = Assert.Single(result.Series);
        Assert.Equal([3.0, 3, 3, 3, 2], series.Points.Select(p => p.Value));
    }

    [Fact]
    public void CountOverTime_WindowIsLeftOpenRightClosed()
    {
        // Window (5s, 10s] holds t=6..10 of the info stream: 5 lines.
        var result = Instant("count_over_time({job=\"app\", level=\"info\"}[5s])", 10 * S);

        Assert.Equal(5, ValueOf(result, "{job=\"app\", level=\"info\"}"));
    }

    [Fact]
    public void CountOverTime_RangeQuery_OmitsEmptySteps()
    {
        var result = Range("count_over_time({job=\"app\", level=\"error\"}[1s])", 1 * S, 10 * S, 1 * S);

        var points = Assert.Single(result.Series).Points;
        Assert.Equal([2 * S, 4 * S, 6 * S, 8 * S], points.Select(p => p.TimestampNs));
        Assert.All(points, p => Assert.Equal(1, p.Value));
    }

    [Fact]
    public void SumByLevel_GroupsStreams()
    {
        var result = Instant("sum by (level) (count_over_time({job=\"app\"}[10s]))", 10 * S);

        Assert.Equal(10, ValueOf(result, "{level=\"info\"}"));
        Assert.Equal(4, ValueOf(result, "{level=\"error\"}"));
    }

    [Fact]
    public void Rate_IsCountPerSecond()
    {
        var result = Instant("rate({job=\"app\", level=\"info\"}[5s])", 10 * S);

        Assert.Equal(1, ValueOf(result, "{job=\"app\", level=\"info\"}"));
    }

    [Fact]
    public void BytesOverTime_CountsUtf8Bytes()
    {
        var result = Instant("bytes_over_time({job=\"web\"}[1s])", 3 * S);

        Assert.Equal("{\"path\":\"/w1\",\"ms\":3}".Length, ValueOf(result, "{job=\"web\"}"));
    }

    [Fact]
    public void ParsedLabels_SplitSeries()
    {
        var result = Instant("sum by (status) (count_over_time({job=\"app\"} | logfmt [10s]))", 10 * S);

        Assert.Equal(7, ValueOf(result, "{status=\"200\"}"));
        Assert.Equal(3, ValueOf(result, "{status=\"500\"}"));
        Assert.Equal(4, ValueOf(result, "{status=\"503\"}"));
    }

    [Fact]
    public void Unwrap_Duration_IsSeconds()
    {
        var result = Instant("sum_over_time({job=\"app\", level=\"info\"} | logfmt | unwrap duration(took) [3s])", 3 * S);

        Assert.Equal(0.6, ValueOf(result, "{job=\"app\", level=\"info\", path=\"/p0\", size=\"2KB\", status=\"200\"}")
            + ValueOf(result, "{job=\"app\", level=\"info\", path=\"/p1\", size=\"1KB\", status=\"200\"}")
            + ValueOf(result, "{job=\"app\", level=\"info\", path=\"/p1\", size=\"3KB\", status=\"500\"}"), 9);
    }

    [Fact]
    public void Unwrap_WithGrouping_AggregatesPerGroup()
    {
        var avg = Instant("avg_over_time({job=\"web\"} | json | unwrap ms [10s]) by (path)", 10 * S);
        var max = Instant("max_over_time({job=\"web\"} | json | unwrap ms [10s]) by (path)", 10 * S);
        var p50 = Instant("quantile_over_time(0.5, {job=\"web\"} | json | unwrap ms [10s]) by (path)", 10 * S);

        Assert.Equal(6, ValueOf(avg, "{path=\"/w0\"}"));
        Assert.Equal(5, ValueOf(avg, "{path=\"/w1\"}"));
        Assert.Equal(10, ValueOf(max, "{path=\"/w0\"}"));
        Assert.Equal(6, ValueOf(p50, "{path=\"/w0\"}"));
    }

    [Fact]
    public void Unwrap_Bytes_ConvertsUnits()
    {
        var result = Instant("sum(sum_over_time({job=\"app\", level=\"info\"} | logfmt | unwrap bytes(size) [2s]))", 2 * S);

        Assert.Equal(3000, ValueOf(result, "{}"));
    }

    [Fact]
    public void Unwrap_UnconvertibleValue_FailsQueryUnlessFiltered()
    {
        var error = Assert.Throws<EvaluationException>(() => Instant("sum_over_time({job=\"app\"} | logfmt | unwrap path [10s])", 10 * S));
        var filtered = Instant("sum(sum_over_time({job=\"app\"} | logfmt | unwrap path | __error__=\"\" [10s]))", 10 * S);

        Assert.StartsWith("pipeline error: 'SampleExtractionErr' for series:", error.Message, StringComparison.Ordinal);
        Assert.Empty(filtered.Series);
    }

    [Fact]
    public void TopK_KeepsHighestSeries()
    {
        var result = Instant("topk(1, sum by (level) (count_over_time({job=\"app\"}[10s])))", 10 * S);

        Assert.Equal("{level=\"info\"}", Assert.Single(result.Series).Labels.ToString());
    }

    [Fact]
    public void BinaryDivision_MatchesSeriesByLabels()
    {
        var result = Instant(
            "sum by (path) (count_over_time({job=\"app\"} | logfmt | status>=500 [10s])) / sum by (path) (count_over_time({job=\"app\"} | logfmt [10s]))",
            10 * S);

        Assert.Equal(5.0 / 9, ValueOf(result, "{path=\"/p0\"}"), 9);
        Assert.Equal(2.0 / 5, ValueOf(result, "{path=\"/p1\"}"), 9);
    }

    [Fact]
    public void Comparison_FiltersAndBoolReturnsZeroOne()
    {
        var filtered = Instant("sum by (level) (count_over_time({job=\"app\"}[10s])) > 5", 10 * S);
        var boolean = Instant("sum by (level) (count_over_time({job=\"app\"}[10s])) > bool 5", 10 * S);

        Assert.Equal(10, ValueOf(filtered, "{level=\"info\"}"));
        Assert.Single(filtered.Series);
        Assert.Equal(0, ValueOf(boolean, "{level=\"error\"}"));
        Assert.Equal(1, ValueOf(boolean, "{level=\"info\"}"));
    }

    [Fact]
    public void SetOperators_AndOrUnless()
    {
        var info = "count_over_time({job=\"app\", level=\"info\"}[10s])";
        var error = "count_over_time({job=\"app\", level=\"error\"}[10s])";

        Assert.Equal(2, Instant($"{info} or {error}", 10 * S).Series.Count);
        Assert.Empty(Instant($"{info} and {error}", 10 * S).Series);
        Assert.Single(Instant($"{info} unless {error}", 10 * S).Series);
        Assert.Single(Instant($"sum({info}) or vector(0)", 10 * S).Series);
        Assert.Equal(0, ValueOf(Instant("sum(count_over_time({job=\"none\"}[1s])) or vector(0)", 10 * S), "{}"));
    }

    [Fact]
    public void OnAndGroupLeft_ManyToOne()
    {
        var result = Instant(
            "sum by (level, job) (count_over_time({job=\"app\"}[10s])) / on (job) group_left sum by (job) (count_over_time({job=\"app\"}[10s]))",
            10 * S);

        Assert.Equal(10.0 / 14, ValueOf(result, "{job=\"app\", level=\"info\"}"), 9);
        Assert.Equal(4.0 / 14, ValueOf(result, "{job=\"app\", level=\"error\"}"), 9);
    }

    [Fact]
    public void ScalarArithmetic_AndPrecedence()
    {
        Assert.Equal(7, ValueOf(Instant("1 + 2 * 3", 0), "{}"));
        Assert.Equal(512, ValueOf(Instant("2 ^ 3 ^ 2", 0), "{}"));
        Assert.Equal(1, ValueOf(Instant("7 % 3", 0), "{}"));
        Assert.True(Instant("1", 0).IsScalar);
    }

    [Fact]
    public void ZeroDividedByZero_IsReportedAsNaN()
    {
        var scalar = Instant("0 / 0", 10 * S);
        var vector = Instant("sum(count_over_time({job=\"app\", level=\"info\"}[10s])) * 0 / 0", 10 * S);

        Assert.True(double.IsNaN(ValueOf(scalar, "{}")));
        Assert.True(double.IsNaN(ValueOf(vector, "{}")));
    }

    [Fact]
    public void Offset_ShiftsTheWindowBack()
    {
        var result = Instant("count_over_time({job=\"app\", level=\"error\"}[2s] offset 4s)", 10 * S);

        // Window (4s, 6s]: the error stream has a line at 6s.
        Assert.Equal(1, ValueOf(result, "{job=\"app\", level=\"error\"}"));
    }

    [Fact]
    public void AbsentOverTime_IsOneOnlyWhenNothingMatched()
    {
        var absent = Instant("absent_over_time({job=\"nothing\"}[1m])", 10 * S);
        var present = Instant("absent_over_time({job=\"app\"}[1m])", 10 * S);

        Assert.Equal(1, ValueOf(absent, "{job=\"nothing\"}"));
        Assert.Empty(present.Series);
    }

    [Fact]
    public void LabelReplace_CopiesWithCaptureGroups()
    {
        var result = Instant("label_replace(sum by (job) (count_over_time({job=\"app\"}[10s])), \"svc\", \"svc-$1\", \"job\", \"(a.)p\")", 10 * S);

        Assert.Equal(14, ValueOf(result, "{job=\"app\", svc=\"svc-ap\"}"));
    }

    [Fact]
    public void SortDesc_OrdersInstantResultByValue()
    {
        var result = Instant("sort_desc(sum by (level) (count_over_time({job=\"app\"}[10s])))", 10 * S);

        Assert.Equal([10.0, 4.0], result.Series.Select(s => s.Points[0].Value));
    }

    [Fact]
    public void JsonErrorsInMetric_FailWithLokiMessage()
    {
        var error = Assert.Throws<EvaluationException>(() => Instant("count_over_time({job=\"app\"} | json [10s])", 10 * S));

        Assert.StartsWith("pipeline error: 'JSONParserErr'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RateCounter_ExtrapolatesCounterIncrease()
    {
        var counter = new InMemoryLogSource(
        [
            new LogStream(LabelSet.From(("job", "c")), [.. Enumerable.Range(0, 11).Select(i => new LogEntry(i * 10 * S, $"total={i * 10}"))]),
        ]);

        var result = MetricEvaluator.EvaluateInstant(LogQLQuery.Parse("rate_counter({job=\"c\"} | logfmt | unwrap total [100s])"), counter, 100 * S);

        Assert.Equal(1, Assert.Single(Assert.Single(result.Series).Points).Value, 6);
    }
}
