using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.LogQL.Evaluation;

/// <summary>
/// Loki 2.8's rules that the recorded contract (LokiSemanticsTests) showed to be easy to get wrong, each on a few
/// lines whose answer can be worked out by hand: step alignment, lines that fail a parser, unwrap of a missing label,
/// filters written one after another, number comparisons, rate_counter.
/// </summary>
public sealed class LokiRulesTests
{
    private const long S = 1_000_000_000;

    // t = 10..100 s, one line every 10 s; every third line is not JSON.
    private static readonly InMemoryLogSource s_source = new(
    [
        new LogStream(LabelSet.From(("job", "api")),
            [.. Enumerable.Range(1, 10).Select(i => new LogEntry(i * 10 * S, i % 3 == 0 ? $"plain text {i}" : $"{{\"status\":{(i % 2 == 0 ? 500 : 200)},\"ms\":{i}}}"))]),
    ]);

    private static List<LogResult> Logs(string query) =>
        [.. LogQueryEvaluator.Run(Assert.IsType<LogQueryExpr>(LogQLQuery.Parse(query)), s_source, 0, 200 * S, Direction.Forward, 1000)];

    [Fact]
    public void ARangeQuery_IsEvaluatedOnTheStepGrid_WhateverStartIsSent()
    {
        // Start 15 s and end 75 s with a 20 s step: Loki evaluates at 0, 20, 40, 60, 80 (start down, end up).
        var result = MetricEvaluator.EvaluateRange(LogQLQuery.Parse("count_over_time({job=\"api\"}[20s])"), s_source, 15 * S, 75 * S, 20 * S);

        var points = Assert.Single(result.Series).Points;
        Assert.Equal([20 * S, 40 * S, 60 * S, 80 * S], points.Select(p => p.TimestampNs));
        Assert.All(points, p => Assert.Equal(2, p.Value));
    }

    [Fact]
    public void ALineThatFailedJson_PassesANumberFilter_AndOnlyAStringMatcherOnErrorTakesItOut()
    {
        var passed = Logs("{job=\"api\"} | json | status >= 500");
        var clean = Logs("{job=\"api\"} | json | status >= 500 | __error__=\"\"");

        // Lines 2, 4, 8, 10 are 500s; 3, 6, 9 are plain text and pass with their error.
        Assert.Equal([20 * S, 30 * S, 40 * S, 60 * S, 80 * S, 90 * S, 100 * S], passed.Select(r => r.TimestampNs));
        Assert.All(passed.Where(r => r.Line.StartsWith("plain", StringComparison.Ordinal)), r => Assert.Equal("JSONParserErr", r.Labels["__error__"]));
        Assert.Equal([20 * S, 40 * S, 80 * S, 100 * S], clean.Select(r => r.TimestampNs));
    }

    [Fact]
    public void AMetricOverLinesInError_FailsWithPipelineError()
    {
        var error = Assert.Throws<EvaluationException>(() =>
            MetricEvaluator.EvaluateInstant(LogQLQuery.Parse("sum(count_over_time({job=\"api\"} | json | status >= 500 [2m]))"), s_source, 100 * S));

        Assert.StartsWith("pipeline error: 'JSONParserErr'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unwrap_SkipsALineWithoutTheLabel_InsteadOfFailing()
    {
        // The plain-text lines have no ms: the sum is of the JSON lines' 1+2+4+5+7+8+10.
        var result = MetricEvaluator.EvaluateInstant(LogQLQuery.Parse("sum(sum_over_time({job=\"api\"} | json | unwrap ms [2m]))"), s_source, 100 * S);

        Assert.Equal(37, Assert.Single(Assert.Single(result.Series).Points).Value);
    }

    [Fact]
    public void Unwrap_OfAValueThatIsNotANumber_IsStillAnError()
    {
        var error = Assert.Throws<EvaluationException>(() =>
            MetricEvaluator.EvaluateInstant(LogQLQuery.Parse("sum(sum_over_time({job=\"api\"} | regexp \"(?P<word>[a-z]+)\" | unwrap word [2m]))"), s_source, 100 * S));

        Assert.StartsWith("pipeline error: 'SampleExtractionErr'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{job=\"api\"} | json | status >= 500 ms > 3")]
    [InlineData("{job=\"api\"} | json | status >= 500, ms > 3")]
    [InlineData("{job=\"api\"} | json | status >= 500 and ms > 3")]
    [InlineData("{job=\"api\"} | json | __error__=\"\" (ms > 3) status >= 500")]
    public void LabelFilters_WrittenOneAfterAnother_AreAnd(string query)
    {
        var result = Logs(query).Where(r => r.Labels["__error__"] is null);

        Assert.Equal([40 * S, 80 * S, 100 * S], result.Select(r => r.TimestampNs));
    }

    [Theory]
    [InlineData("1 > 1", 0)]
    [InlineData("2 > 1", 1)]
    [InlineData("1 == 1", 1)]
    [InlineData("1 > bool 1", 0)]
    [InlineData("1 + 2 >= 3", 1)]
    public void ComparingTwoNumbers_IsOneOrZero_WithOrWithoutBool(string query, double expected)
    {
        var result = MetricEvaluator.EvaluateInstant(LogQLQuery.Parse(query), s_source, 100 * S);

        Assert.True(result.IsScalar);
        Assert.Equal(expected, Assert.Single(Assert.Single(result.Series).Points).Value);
    }

    [Fact]
    public void RateCounter_OfASeriesWithOneSampleInTheWindow_IsZero()
    {
        // Each JSON line is its own series (its ms differs): one sample per window, which Loki counts as no change.
        var result = MetricEvaluator.EvaluateInstant(LogQLQuery.Parse("rate_counter({job=\"api\"} | json | __error__=\"\" | unwrap status [15s])"), s_source, 100 * S);

        Assert.Equal(0, Assert.Single(Assert.Single(result.Series).Points).Value);
    }
}
