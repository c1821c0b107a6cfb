using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.LogQL.Evaluation;

/// <summary>
/// A pushed line of 50,000 nested JSON objects (250 KB, under the line limit) once ended the process on the first
/// <c>| json</c> over it: the reader recursed per level. Now such a line is a parse error like any bad JSON.
/// </summary>
public sealed class DeepLineTests
{
    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    [Theory]
    [InlineData("{job=\"x\"} | json")]
    [InlineData("{job=\"x\"} | json a=\"a.a\"")]
    [InlineData("{job=\"x\"} | json | a_a=\"1\"")]
    [InlineData("{job=\"x\"} | unpack")]
    public void ALineNestedTooDeep_IsAJsonErrorOnItsEntry_NotACrash(string query)
    {
        var source = new InMemoryLogSource([new LogStream(LabelSet.From(("job", "x")), [new LogEntry(1, Nested(50_000)), new LogEntry(2, Nested(2))])]);

        var results = LogQueryEvaluator.Run((LogQueryExpr)LogQLQuery.Parse(query), source, 0, 10, Direction.Forward, 10).ToList();

        var deep = results.SingleOrDefault(r => r.TimestampNs == 1);
        if (deep != default)
        {
            Assert.Equal("JSONParserErr", deep.Labels["__error__"]);
        }

        Assert.Contains(results, r => r.TimestampNs == 2);
    }

    [Fact]
    public void ALineAtTheDepthLimit_IsFlattened()
    {
        var source = new InMemoryLogSource([new LogStream(LabelSet.From(("job", "x")), [new LogEntry(1, Nested(128))])]);

        var result = Assert.Single(LogQueryEvaluator.Run((LogQueryExpr)LogQLQuery.Parse("{job=\"x\"} | json"), source, 0, 10, Direction.Forward, 10));

        Assert.Null(result.Labels["__error__"]);
        Assert.Equal("1", result.Labels[string.Join("_", Enumerable.Repeat("a", 128))]);
    }
}
