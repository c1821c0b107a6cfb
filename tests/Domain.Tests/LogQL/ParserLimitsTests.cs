using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.LogQL.Parsing;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.LogQL;

/// <summary>
/// Queries built to exhaust the stack: each was once a StackOverflowException that ended the whole process.
/// Past the limits they are syntax errors with a position; at the limits they parse, print and evaluate.
/// </summary>
public sealed class ParserLimitsTests
{
    private static string Nested(int depth, string inner) => new string('(', depth) + inner + new string(')', depth);

    public static TheoryData<string, string> TooDeep() => new()
    {
        { "parentheses around a metric", Nested(20_000, "count_over_time({job=\"x\"}[1m])") },
        { "parentheses around a log range", "count_over_time(" + Nested(20_000, "{job=\"x\"}") + "[1m])" },
        { "parentheses in a label filter", "{job=\"x\"} | " + Nested(20_000, "a=\"1\"") },
        { "nested aggregations", string.Concat(Enumerable.Repeat("sum(", 5_000)) + "count_over_time({job=\"x\"}[1m])" + new string(')', 5_000) },
        { "nested label_replace", string.Concat(Enumerable.Repeat("label_replace(", 1_500)) + "count_over_time({job=\"x\"}[1m])" + string.Concat(Enumerable.Repeat(",\"a\",\"b\",\"c\",\"d\")", 1_500)) },
        { "the hub's 4,990 parentheses", Nested(4_990, "{job=\"x\"}") },
    };

    [Theory]
    [MemberData(nameof(TooDeep))]
    public void NestingPastTheLimit_IsASyntaxError_AtTheLevelThatBrokeIt(string why, string query)
    {
        var error = Assert.Throws<LogQLSyntaxException>(() => LogQLQuery.Parse(query));
        Assert.Contains("nests deeper than the limit of 64", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
        Assert.True(error.Column is > 64 and < 2_000, $"{why}: column {error.Column}");
    }

    public static TheoryData<string, string> TooManyOperators() => new()
    {
        { "a chain of additions", string.Join(" + ", Enumerable.Repeat("vector(1)", 50_000)) },
        { "a chain of label filters", "{job=\"x\"} | " + string.Join(" or ", Enumerable.Repeat("a=\"1\"", 50_000)) },
        { "commas between label filters", "{job=\"x\"} | " + string.Join(", ", Enumerable.Repeat("a=\"1\"", 50_000)) },
        { "powers, right-associative", string.Join(" ^ ", Enumerable.Repeat("vector(1)", 50_000)) },
    };

    [Theory]
    [MemberData(nameof(TooManyOperators))]
    public void OperatorChainsPastTheLimit_AreASyntaxError(string why, string query)
    {
        var error = Assert.Throws<LogQLSyntaxException>(() => LogQLQuery.Parse(query, ParseLimits.Default with { MaxLength = ParseLimits.Ceiling.MaxLength }));
        Assert.True(error.Message.Contains("more than the limit of 512 operators", StringComparison.Ordinal), $"{why}: {error.Message}");
    }

    [Theory]
    [InlineData("count_over_time({job=\"x\"}[99999999999999999999s])")]
    [InlineData("count_over_time({job=\"x\"}[999999999999999999d])")]
    [InlineData("count_over_time({job=\"x\"}[1m] offset 999999999999999999d)")]
    [InlineData("{job=\"x\"} | x > 99999999999999999999s")]
    [InlineData("{job=\"x\"} | x > 99999999999999999999999999PB")]
    public void ADurationOrSizePastWhatCanBeHeld_IsASyntaxError_NotAnOverflow(string query)
    {
        var error = Assert.Throws<LogQLSyntaxException>(() => LogQLQuery.Parse(query));
        Assert.StartsWith("parse error at line 1, col ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RegexesNestedDeeperThanRE2Allows_AreRefused()
    {
        var deep = new string('(', 1_001) + "a" + new string(')', 1_001);
        var error = Assert.Throws<LogQLSyntaxException>(() => LogQLQuery.Parse("{job=\"x\"} |~ \"" + deep + "\""));
        Assert.Contains("expression nests too deeply", error.Message, StringComparison.Ordinal);
        LogQLQuery.Parse("{job=\"x\"} |~ \"" + new string('(', 100) + "a" + new string(')', 100) + "\"");
    }

    [Fact]
    public void AQueryLongerThanTheLimit_IsRefused_BeforeItIsRead()
    {
        var query = "{job=\"x\"} |= \"" + new string('a', 70_000) + "\"";
        var error = Assert.Throws<LogQLSyntaxException>(() => LogQLQuery.Parse(query));
        Assert.Equal("parse error at line 1, col 1: syntax error: the query is 70015 characters long, more than the limit of 65536", error.Message);
    }

    [Fact]
    public void ConfiguredLimits_AreObeyed_ButNeverRaisedPastTheCeiling()
    {
        var query = Nested(10, "count_over_time({job=\"x\"}[1m])");
        Assert.Throws<LogQLSyntaxException>(() => LogQLQuery.Parse(query, new ParseLimits { MaxNesting = 5 }));
        var deep = Nested(1_000, "count_over_time({job=\"x\"}[1m])");
        var error = Assert.Throws<LogQLSyntaxException>(() => LogQLQuery.Parse(deep, new ParseLimits { MaxNesting = 1_000_000 }));
        Assert.Contains("limit of 256 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AQueryAtEveryLimit_ParsesPrintsAndEvaluates()
    {
        // The whole query, the sum, 59 parentheses and three in the label filter: 64 levels; 299 additions.
        var sum = "sum(" + Nested(59, "count_over_time({job=\"x\"} | (((a=\"1\")))[1m])") + ")";
        var query = string.Join(" + ", Enumerable.Repeat(sum, 300));
        var parsed = LogQLQuery.Parse(query);
        Assert.Equal(parsed, LogQLQuery.Parse(LogQLQuery.Print(parsed)));

        var source = new InMemoryLogSource([new LogStream(LabelSet.From(("job", "x"), ("a", "1")), [new LogEntry(30_000_000_000, "line")])]);
        var result = MetricEvaluator.EvaluateInstant(parsed, source, 60_000_000_000);
        Assert.Equal(300, Assert.Single(Assert.Single(result.Series).Points).Value);
    }

    [Fact]
    public void ChainsAtTheCeiling_PrintAndEvaluate_OnAOneMegabyteStack()
    {
        var power = string.Join(" ^ ", Enumerable.Repeat("vector(1)", ParseLimits.Ceiling.MaxOperators + 1));
        var filters = "count_over_time({job=\"x\"} | " + string.Join(" or ", Enumerable.Repeat("a=\"1\"", ParseLimits.Ceiling.MaxOperators + 1)) + " [1m])";
        var source = new InMemoryLogSource([new LogStream(LabelSet.From(("job", "x"), ("a", "1")), [new LogEntry(30_000_000_000, "line")])]);
        var values = new List<double>();
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                foreach (var query in new[] { power, filters })
                {
                    var parsed = LogQLQuery.Parse(query, ParseLimits.Ceiling);
                    Assert.Equal(parsed, LogQLQuery.Parse(LogQLQuery.Print(parsed), ParseLimits.Ceiling));
                    values.Add(MetricEvaluator.EvaluateInstant(parsed, source, 60_000_000_000).Series.Single().Points.Single().Value);
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }, maxStackSize: 1 << 20);
        thread.Start();
        thread.Join();
        Assert.Null(failure);
        Assert.Equal([1, 1], values);
    }

    [Fact]
    public void RandomText_OnlyEverGivesASyntaxErrorOrATree()
    {
        // Random characters, biased to the ones that open and close levels, for a fixed number of tries.
        const string alphabet = "(((((())))){}[]|=~!\"`\\,+-*/^ab job 1m sum by or and";
        var random = new Random(15);
        for (var n = 0; n < 3_000; n++)
        {
            var length = random.Next(1, n % 10 == 0 ? 20_000 : 200);
            var chars = new char[length];
            for (var i = 0; i < length; i++)
            {
                chars[i] = random.Next(20) == 0 ? (char)random.Next(0, 0xD800) : alphabet[random.Next(alphabet.Length)];
            }

            var query = new string(chars);
            try
            {
                LogQLQuery.Parse(query);
            }
            catch (LogQLSyntaxException ex)
            {
                Assert.StartsWith("parse error ", ex.Message, StringComparison.Ordinal);
            }
        }
    }
}
