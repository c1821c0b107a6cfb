using System.Text.RegularExpressions;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Building;
using TovPlay.Logs.Domain.LogQL.Parsing;

namespace TovPlay.Logs.Domain.Tests.LogQL;

public sealed class BuilderTests
{
    public static TheoryData<string> Hostile() =>
    [
        "\"", "\\", "`", "}", "{", "|", "|=", "\n", "\r\n", "\t", ".*", "a|b", "(", ")", "[", "]", "^$", "\\d", "$1",
        "\" or job=~\".*", "\"} |= \"", "{{.password}}", "# not a comment", "\u0000", "\u007f", "é", "日本語",
        "😀 emoji", "a\"b\\c`d}e|f\ng", string.Concat(Enumerable.Repeat("日本😀\"\\", 1000)), " ", "",
    ];

    private static LogQueryExpr RoundTrip(LogQueryBuilder builder)
    {
        var printed = builder.ToString();
        var parsed = Assert.IsType<LogQueryExpr>(LogQLQuery.Parse(printed));
        Assert.Equal(builder.Build(), parsed);
        return parsed;
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Stream_HostileValue_ParsesBackToTheSameValue(string value)
    {
        var query = RoundTrip(LogQueryBuilder.Stream("job", "tovplay-backend").Where("user", MatchOperator.Equal, value));

        Assert.Equal(value, query.Selector.Matchers[1].Value);
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Contains_HostileValue_IsOneLineFilterWithThatText(string value)
    {
        var query = RoundTrip(LogQueryBuilder.Stream("job", "x").Contains(value));

        var filter = Assert.IsType<LineFilterStage>(Assert.Single(query.Pipeline));
        Assert.Equal(value, Assert.Single(filter.Values).Value);
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Label_HostileValue_IsOneStringFilterWithThatValue(string value)
    {
        var query = RoundTrip(LogQueryBuilder.Stream("job", "x").Json().Label("username", value));

        var stage = Assert.IsType<LabelFilterStage>(query.Pipeline[1]);
        Assert.Equal(new StringLabelFilter("username", MatchOperator.Equal, value), stage.Filter);
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void LabelEqualsLiteralRegex_HostileValue_MatchesOnlyThatValue(string value)
    {
        var query = RoundTrip(LogQueryBuilder.Stream("job", "x").LabelEqualsLiteralRegex("path", value));

        var filter = Assert.IsType<StringLabelFilter>(Assert.IsType<LabelFilterStage>(Assert.Single(query.Pipeline)).Filter);
        var regex = Anchored(filter.Value);
        Assert.Matches(regex, value);
        Assert.DoesNotMatch(regex, value + "x");
        Assert.DoesNotMatch(regex, "x" + value);
        if (value.Length > 0)
        {
            Assert.DoesNotMatch(regex, value[1..] + "!");
        }
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void MatchesLiteral_HostileValue_FindsItInsideALineAndNothingElse(string value)
    {
        var query = RoundTrip(LogQueryBuilder.Stream("job", "x").MatchesLiteral(value));

        var pattern = Assert.Single(Assert.IsType<LineFilterStage>(Assert.Single(query.Pipeline)).Values).Value;
        Assert.True(RegexSyntax.TryTranslate(pattern, out var translated, out var error), error);
        Assert.Matches(new Regex(translated), $"before {value} after");
        if (value.Length > 0)
        {
            // Anything shorter than the value cannot contain it, so it must not match.
            Assert.DoesNotMatch(new Regex(translated), value[1..]);
            Assert.DoesNotMatch(new Regex(translated), value[..^1]);
        }
    }

    [Fact]
    public void WhereAny_Values_MatchExactlyThoseValues()
    {
        var query = RoundTrip(LogQueryBuilder.Stream("job", "x").WhereAny("level", ["error", "warn.x", "a|b"]));

        var regex = Anchored(query.Selector.Matchers[1].Value);
        Assert.Matches(regex, "error");
        Assert.Matches(regex, "warn.x");
        Assert.Matches(regex, "a|b");
        Assert.DoesNotMatch(regex, "warnyx");
        Assert.DoesNotMatch(regex, "a");
    }

    [Theory]
    [InlineData("")]
    [InlineData("1abc")]
    [InlineData("user.id")]
    [InlineData("a-b")]
    [InlineData("a b")]
    [InlineData("x\"")]
    public void Label_InvalidName_IsRefusedWithTheReason(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => LogQueryBuilder.Stream("job", "x").Label(name, "v"));

        Assert.Contains("is not a valid label name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MatchesRegex_Re2Incompatible_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => LogQueryBuilder.Stream("job", "x").MatchesRegex("a(?=b)"));

        Assert.StartsWith("invalid regex \"a(?=b)\": look-ahead and look-behind are not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_OnlyEmptyCompatibleMatchers_IsRefused()
    {
        var builder = LogQueryBuilder.Stream("job", "");

        Assert.Throws<InvalidOperationException>(builder.Build);
    }

    [Fact]
    public void Metrics_Composed_PrintCanonicalLogQL()
    {
        var errors = LogQueryBuilder.Stream("job", "tovplay-backend").Json().LabelNumber("status", CompareOperator.GreaterOrEqual, 500);
        var all = LogQueryBuilder.Stream("job", "tovplay-backend").Json();

        var ratio = MetricBuilder.Divide(
            MetricBuilder.Sum(MetricBuilder.Rate(errors, TimeSpan.FromMinutes(5)), "path"),
            MetricBuilder.Sum(MetricBuilder.Rate(all, TimeSpan.FromMinutes(5)), "path"));

        Assert.Equal(
            "sum by (path) (rate({job=\"tovplay-backend\"} | json | __error__=\"\" | status>=500 [5m])) / sum by (path) (rate({job=\"tovplay-backend\"} | json [5m]))",
            LogQLQuery.Print(ratio));
    }

    [Fact]
    public void Unwrapped_Quantile_PrintsWithErrorFilterAndGrouping()
    {
        var log = LogQueryBuilder.Stream("job", "tovplay-backend").Json();

        var p95 = MetricBuilder.Unwrapped(RangeOperation.QuantileOverTime, log, "duration_ms", TimeSpan.FromMinutes(5), quantile: 0.95, by: ["path"]);

        Assert.Equal("quantile_over_time(0.95, {job=\"tovplay-backend\"} | json | unwrap duration_ms | __error__=\"\" [5m]) by (path)", LogQLQuery.Print(p95));
    }

    [Fact]
    public void Unwrapped_SumWithGrouping_IsRefusedAsLokiWould()
    {
        var log = LogQueryBuilder.Stream("job", "x").Json();

        var error = Assert.Throws<ArgumentException>(() => MetricBuilder.Unwrapped(RangeOperation.SumOverTime, log, "d", TimeSpan.FromMinutes(1), by: ["a"]));

        Assert.StartsWith("grouping not allowed for sum_over_time aggregation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Builder_Extending_DoesNotChangeTheOriginal()
    {
        var base_ = LogQueryBuilder.Stream("job", "x");

        var a = base_.Contains("a");
        var b = base_.Contains("b");

        Assert.Equal("{job=\"x\"}", base_.ToString());
        Assert.Equal("{job=\"x\"} |= \"a\"", a.ToString());
        Assert.Equal("{job=\"x\"} |= \"b\"", b.ToString());
    }

    private static Regex Anchored(string re2)
    {
        Assert.True(RegexSyntax.TryTranslate(re2, out var translated, out var error), error);
        return new Regex($"^(?:{translated})$", RegexOptions.Singleline);
    }
}
