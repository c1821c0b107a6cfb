using System.Text;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.LogQL.Evaluation.Stages;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.LogQL.Evaluation;

/// <summary>
/// A pipeline that reads lines as the store keeps them (UTF-8) answers exactly as the same pipeline over the decoded
/// text, for ordinary lines and for every kind of unusual or broken one; and it does read ordinary lines as bytes.
/// </summary>
public sealed class Utf8LinesTests
{
    private static readonly LabelSet s_stream = LabelSet.From(("job", "api"), ("level", "info"));

    public static TheoryData<string> Lines =>
    [
        """{"ts":"2026-01-01T00:00:00Z","level":"info","path":"/api/games/7","status":200,"duration_ms":12.5,"ok":true,"gone":null}""",
        """{"path":"/p","user":{"id":7,"name":"olga","address":{"city":"Haifa"}},"tags":["a","b"],"duration_ms":3}""",
        """  {"path" : "/spaced" ,	"duration_ms":	1e3 , "n": -2.5E-3 }  """,
        """{"path":"/esc\"aped","duration_ms":4}""",
        """{"msg":"skipped \"escape\" \\ \/ \n \t \u00e9 here","path":"/p","duration_ms":5}""",
        """{"path":"/\u00e9t\u00e9","duration_ms":6}""",
        """{"path":"/ünïcödé/日本","msg":"naïve","duration_ms":7}""",
        """{"ключ":"value","path":"/p","duration_ms":8}""",
        """{"http.method":"GET","user-agent":"x","9lives":1,"":"empty key","a b":2,"path":"/p","duration_ms":9}""",
        """{"path":"/first","path":"/second","duration_ms":10}""",
        """{"duration.ms":21,"pa-th":"/sanitised into a wanted name","path_":"/p"}""",
        """{"duration":{"ms":22},"path":"/nested into a wanted name"}""",
        """{"job":"from the line","level":"debug","path":"/p","duration_ms":11}""",
        """{"arr":[{"x":"]"},["[",{"y":"}"}]],"path":"/after-array","duration_ms":12}""",
        """{"e":{},"f":{"g":{}},"path":"/p","duration_ms":13}""",
        """{"path":"/p","duration_ms":"not a number"}""",
        """{"path":"/p","duration_ms":14} trailing""",
        """{"path":"/p","duration_ms":15""",
        """{"path":"/p",}""",
        """{"path":"/p" "duration_ms":16}""",
        """{"path":"/bad \x escape","duration_ms":17}""",
        """{"msg":"bad \q escape","path":"/p","duration_ms":18}""",
        """{"msg":"short \u12","path":"/p"}""",
        """{"path":"unterminated""",
        """{"flag":tru,"path":"/p"}""",
        """{"n":+,"path":"/p"}""",
        """{path:"/unquoted key"}""",
        """[1,2,3]""",
        "\"just a string\" ",
        """plain text line""",
        "",
        """{"arr":[1,2""",
        string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200),
        string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100),
    ];

    public static TheoryData<string, string> LinesAndPipelines
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var line in Lines)
            {
                foreach (var pipeline in new[] { "| json", "| json | path=\"/p\"", "| json | duration_ms > 5", "| json | __error__=\"\"" })
                {
                    data.Add(line, pipeline);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(LinesAndPipelines))]
    public void EveryLine_GetsTheSameLabelsAndVerdict_FromItsBytesAsFromItsText(string line, string pipeline)
    {
        foreach (var required in new[] { null, new[] { "path", "duration_ms" } })
        {
            var stages = Assert.IsType<LogQueryExpr>(LogQLQuery.Parse($"{{job=\"api\"}} {pipeline}")).Pipeline;
            var text = LogPipeline.Compile(stages, required);
            var bytes = LogPipeline.Compile(stages, required);
            Assert.True(bytes.ReadsUtf8);
            var (textLabels, byteLabels) = (new LabelsBuilder(), new LabelsBuilder());

            var textKept = text.Process(new LogEntry(1, line), s_stream, textLabels, out var textLine);
            var bytesKept = bytes.Process(new Utf8Entry(1, Encoding.UTF8.GetBytes(line), null), s_stream, byteLabels);

            Assert.Equal(textKept, bytesKept);
            Assert.Equal(line, textLine);
            if (textKept)
            {
                Assert.Equal(textLabels.ToLabelSet(), byteLabels.ToLabelSet());
            }
        }
    }

    [Theory]
    [InlineData("""{"ts":"2026-01-01T00:00:00Z","level":"info","path":"/api/games/7","status":200,"duration_ms":12.5,"ok":true}""", "/api/games/7")]
    [InlineData("""{"path":"/p","user":{"id":7,"name":"olga"},"tags":["a","b"],"msg":"an \"escaped\" word, skipped","duration_ms":3}""", "/p")]
    [InlineData("""{"path":"/ünïcödé","http.method":"GET","9lives":1,"duration_ms":4}""", "/ünïcödé")]
    public void OrdinaryLines_AreReadFromTheirBytes(string line, string path)
    {
        // What a metric query by path over durations wants; the escaped message is skipped, not read.
        string[] wanted = ["path", "duration_ms", "user_id", "http_method", "_9lives"];
        var found = new List<(string, string)>();

        Assert.True(new Utf8JsonFlattener(wanted).TryFlatten(Encoding.UTF8.GetBytes(line), (n, v) => found.Add((n, v))));

        var expected = new List<(string, string)>();
        Assert.Null(new JsonFlattener(wanted).Flatten(line, (n, v) => expected.Add((n, v))));
        Assert.Equal(expected, found);
        Assert.Contains(("path", path), found);
    }

    [Theory]
    [InlineData("""{"path":"/esc\"aped","duration_ms":4}""")] // an escape in a wanted value
    [InlineData("""{"ключ":"value","path":"/p"}""")] // a key of non-ASCII characters
    [InlineData("""{"path":"/p","duration_ms":14} trailing""")] // not JSON: the text reader words the error
    [InlineData("""{"msg":"bad \q escape","path":"/p"}""")]
    public void UnusualLines_AreLeftToTheTextReader_WithNothingEmitted(string line)
    {
        var found = new List<(string, string)>();

        Assert.False(new Utf8JsonFlattener().TryFlatten(Encoding.UTF8.GetBytes(line), (n, v) => found.Add((n, v))));
        Assert.Empty(found);
    }

    [Theory]
    [InlineData("| json", true)]
    [InlineData("| json | status >= 500", true)]
    [InlineData("| json | status >= 500 | path=\"/p\"", true)]
    [InlineData("", false)]
    [InlineData("|= \"GET\" | json", false)]
    [InlineData("| json | line_format \"{{.path}}\"", false)]
    [InlineData("| json path=\"path\"", false)]
    [InlineData("| logfmt", false)]
    [InlineData("| json | drop level", false)]
    public void OnlyAJsonParserFollowedByLabelFilters_ReadsBytes(string pipeline, bool readsUtf8)
    {
        var stages = Assert.IsType<LogQueryExpr>(LogQLQuery.Parse($"{{job=\"api\"}} {pipeline}")).Pipeline;

        Assert.Equal(readsUtf8, LogPipeline.Compile(stages).ReadsUtf8);
    }
}
