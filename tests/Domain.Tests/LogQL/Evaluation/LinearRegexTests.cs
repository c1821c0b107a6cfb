using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.LogQL.Evaluation;

/// <summary>
/// LogQL's regexes are RE2's, which run in time linear in the text. Each pattern below backtracks exponentially
/// on a backtracking engine (2^5000 steps for these lines: a core pinned until restart); here each ends at once.
/// </summary>
public sealed class LinearRegexTests
{
    private static readonly string s_evil = new string('a', 5_000) + "!";

    private static readonly InMemoryLogSource s_source = new(
    [
        new LogStream(LabelSet.From(("job", "x"), ("name", s_evil)), [new LogEntry(1_000_000_000, s_evil), new LogEntry(2_000_000_000, "aaaa")]),
    ]);

    private static List<LogResult> Run(string query) =>
        [.. LogQueryEvaluator.Run((LogQueryExpr)LogQLQuery.Parse(query), s_source, 0, 10_000_000_000, Direction.Forward, 100)];

    [Fact]
    public void ALineFilter_WithNestedQuantifiers_EndsAndMatchesAsRE2Would()
    {
        Assert.Equal(["aaaa"], Run("{job=\"x\"} |~ \"(a+)+$\"").Select(r => r.Line));
        Assert.Equal([s_evil], Run("{job=\"x\"} !~ \"(a+)+$\"").Select(r => r.Line));
    }

    [Fact]
    public void AStreamSelector_WithNestedQuantifiers_EndsAndMatchesNothing()
    {
        Assert.Empty(Run("{job=\"x\", name=~\"(a+)+\"}"));
        Assert.Equal(2, Run("{job=\"x\", name=~\"(a+)+!\"}").Count);
    }

    [Fact]
    public void ALabelFilter_AndARegexpStage_WithNestedQuantifiers_End()
    {
        Assert.Empty(Run("{job=\"x\"} | name=~\"(a|aa)+\""));
        var parsed = Run("{job=\"x\"} | regexp \"^(?P<head>(a|aa)+)$\"");
        Assert.Equal("aaaa", parsed.Single(r => r.Line == "aaaa").Labels["head"]);
        Assert.Null(parsed.Single(r => r.Line == s_evil).Labels["head"]);
    }

    [Fact]
    public void LabelReplace_WithNestedQuantifiers_Ends()
    {
        var expr = LogQLQuery.Parse("label_replace(count_over_time({job=\"x\"}[10s]), \"short\", \"$1\", \"name\", \"((a+)+)\")");
        var series = Assert.Single(MetricEvaluator.EvaluateInstant(expr, s_source, 10_000_000_000).Series);
        Assert.Null(series.Labels["short"]);
    }

    [Theory]
    [InlineData("{job=\"x\"} |~ \"(?:a{100}){100}\"")]
    [InlineData("{job=~\"[\\\\p{L}]{50000}\"}")]
    public void APatternWhoseAutomatonWouldBeTooLarge_IsRefusedAsRE2RefusesIt(string query)
    {
        var error = Assert.Throws<LogQLSyntaxException>(() => LogQLQuery.Parse(query));
        Assert.Contains("expression too large", error.Message, StringComparison.Ordinal);
    }
}
