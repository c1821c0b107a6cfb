using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.LogQL.Evaluation;

/// <summary>Loki's semantics of each pipeline stage, on tiny hand-made streams.</summary>
public sealed class PipelineTests
{
    private const long Second = 1_000_000_000;

    private static List<LogResult> Run(string query, params (string Line, long Ts)[] lines) =>
        Run(query, LabelSet.From(("job", "app"), ("level", "info")), lines);

    private static List<LogResult> Run(string query, LabelSet streamLabels, params (string Line, long Ts)[] lines)
    {
        var entries = lines.Select((l, i) => new LogEntry(l.Ts == 0 ? (i + 1) * Second : l.Ts, l.Line)).OrderBy(e => e.TimestampNs).ToList();
        var source = new InMemoryLogSource([new LogStream(streamLabels, entries)]);
        var expr = Assert.IsType<LogQueryExpr>(LogQLQuery.Parse(query));
        return [.. LogQueryEvaluator.Run(expr, source, 0, long.MaxValue, Direction.Forward, 1000)];
    }

    private static (string, long) L(string line) => (line, 0);

    [Fact]
    public void LineFilters_ContainsAndNot_AreOrdinal()
    {
        var result = Run("{job=\"app\"} |= \"DELETE\" != \"dry-run\"", L("DELETE users"), L("delete users"), L("DELETE dry-run"));

        Assert.Equal(["DELETE users"], result.Select(r => r.Line));
    }

    [Fact]
    public void LineFilter_EmptyNeedle_MatchesEveryLineAndItsNegationNone()
    {
        Assert.Equal(["a", ""], Run("{job=\"app\"} |= \"\"", L("a"), L("")).Select(r => r.Line));
        Assert.Empty(Run("{job=\"app\"} != \"\"", L("a"), L("")));
    }

    [Fact]
    public void LineFilter_NeedleAtEdgesAndInUnicode_IsFound()
    {
        var result = Run("{job=\"app\"} |= \"ée\"", L("ée start"), L("end ée"), L("e\u0301e"), L("ÉE"));

        Assert.Equal(["ée start", "end ée"], result.Select(r => r.Line));
    }

    [Fact]
    public void StructuredMetadata_IsFilterableAndCarriedAsLabels()
    {
        var entries = new List<LogEntry>
        {
            new(1, "a", LabelSet.From(("trace_id", "t-1"))),
            new(2, "b", LabelSet.From(("trace_id", "t-2"))),
            new(3, "c"),
        };
        var source = new InMemoryLogSource([new LogStream(LabelSet.From(("job", "app")), entries)]);
        var expr = Assert.IsType<LogQueryExpr>(LogQLQuery.Parse("{job=\"app\"} | trace_id=\"t-2\""));

        var result = LogQueryEvaluator.Run(expr, source, 0, 10, Direction.Forward, 10).ToList();
        var counts = MetricEvaluator.EvaluateInstant(LogQLQuery.Parse("sum by (trace_id) (count_over_time({job=\"app\"}[1m]))"), source, 5);

        var only = Assert.Single(result);
        Assert.Equal("b", only.Line);
        Assert.Equal("t-2", only.Labels["trace_id"]);
        Assert.Equal(["{trace_id=\"t-1\"}", "{trace_id=\"t-2\"}", "{}"], counts.Series.Select(s => s.Labels.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LineFilter_OrAlternatives_KeepAnyMatch()
    {
        var result = Run("{job=\"app\"} |= \"a\" or \"b\"", L("a"), L("b"), L("c"));

        Assert.Equal(["a", "b"], result.Select(r => r.Line));
    }

    [Fact]
    public void LineFilter_NegatedOr_DropsAnyMatch()
    {
        var result = Run("{job=\"app\"} != \"a\" or \"b\"", L("a"), L("b"), L("c"));

        Assert.Equal(["c"], result.Select(r => r.Line));
    }

    [Fact]
    public void LineFilter_Regex_IsUnanchored()
    {
        var result = Run("{job=\"app\"} |~ \"status=5\\\\d\\\\d\"", L("x status=503 y"), L("status=404"));

        Assert.Equal(["x status=503 y"], result.Select(r => r.Line));
    }

    [Fact]
    public void LineFilter_Ip_MatchesAddressesInRange()
    {
        var result = Run("{job=\"app\"} |= ip(\"10.0.0.0/8\")", L("from 10.1.2.3 ok"), L("from 192.168.1.1"), L("version 10.2"));

        Assert.Equal(["from 10.1.2.3 ok"], result.Select(r => r.Line));
    }

    [Fact]
    public void Json_NestedKeys_AreFlattenedWithUnderscore()
    {
        var result = Run("{job=\"app\"} | json", L("{\"user\":{\"id\":42,\"name\":\"ana\"},\"ok\":true,\"tags\":[1,2],\"n\":null,\"a.b\":\"x\"}"));

        var labels = Assert.Single(result).Labels;
        Assert.Equal("42", labels["user_id"]);
        Assert.Equal("ana", labels["user_name"]);
        Assert.Equal("true", labels["ok"]);
        Assert.Equal("x", labels["a_b"]);
        Assert.Null(labels["tags"]);
        Assert.Null(labels["n"]);
    }

    [Fact]
    public void Json_KeyClashingWithStreamLabel_BecomesExtracted()
    {
        var result = Run("{job=\"app\"} | json", L("{\"level\":\"error\"}"));

        var labels = Assert.Single(result).Labels;
        Assert.Equal("info", labels["level"]);
        Assert.Equal("error", labels["level_extracted"]);
    }

    [Fact]
    public void Json_InvalidLine_KeepsEntryWithError()
    {
        var result = Run("{job=\"app\"} | json", L("not json"), L("{\"a\":1}"));

        Assert.Equal("JSONParserErr", result[0].Labels["__error__"]);
        Assert.NotNull(result[0].Labels["__error_details__"]);
        Assert.Null(result[1].Labels["__error__"]);
    }

    [Fact]
    public void Json_LineCutInsideAnEscape_IsAParserErrorNotACrash()
    {
        var plain = Run("{job=\"app\"} | json", L("{\"msg\":\"a\\"), L("{\"tags\":[\"a\\"));
        var filtered = Run("{job=\"app\"} | json | __error__!=\"\"", L("{\"msg\":\"a\\"));
        var fused = Run("{job=\"app\"} | json | msg!=\"b\"", L("{\"msg\":\"a\\"));

        Assert.All(plain, r => Assert.Equal("JSONParserErr", r.Labels["__error__"]));
        Assert.Equal(2, plain.Count);
        Assert.Single(filtered);
        Assert.Equal("JSONParserErr", Assert.Single(fused).Labels["__error__"]);
    }

    [Fact]
    public void Json_ErrorFilter_DropsUnparsedLines()
    {
        var result = Run("{job=\"app\"} | json | __error__=\"\"", L("not json"), L("{\"a\":1}"));

        Assert.Equal(["{\"a\":1}"], result.Select(r => r.Line));
    }

    [Fact]
    public void Json_Extractions_ReadPathsOnly()
    {
        var result = Run("{job=\"app\"} | json uid=\"user.id\", first=\"items[0]\", status", L("{\"user\":{\"id\":7},\"items\":[\"x\",\"y\"],\"status\":201,\"other\":1}"));

        var labels = Assert.Single(result).Labels;
        Assert.Equal("7", labels["uid"]);
        Assert.Equal("x", labels["first"]);
        Assert.Equal("201", labels["status"]);
        Assert.Null(labels["other"]);
    }

    [Fact]
    public void Logfmt_QuotedAndBareValues_BecomeLabels()
    {
        var result = Run("{job=\"app\"} | logfmt", L("action=DELETE table=users msg=\"two words\" rows=3"));

        var labels = Assert.Single(result).Labels;
        Assert.Equal("DELETE", labels["action"]);
        Assert.Equal("two words", labels["msg"]);
        Assert.Equal("3", labels["rows"]);
    }

    [Fact]
    public void Logfmt_BareKeysAndEmptyValues_AreEmptyLabels_AsInLoki28()
    {
        var plain = Run("{job=\"app\"} | logfmt", L("a=1 flag b="));
        var keep = Run("{job=\"app\"} | logfmt --keep-empty | flag=\"\"", L("a=1 flag b="));

        var labels = Assert.Single(plain).Labels;
        Assert.Equal("", labels["flag"]);
        Assert.Equal("", labels["b"]);
        Assert.Equal("1", labels["a"]);
        Assert.Single(keep);
    }

    [Theory]
    [InlineData("{job=\"app\"} | logfmt")]
    [InlineData("{job=\"app\"} | logfmt --strict")]
    public void Logfmt_AMalformedPair_EndsTheParseWithAnError_KeepingWhatCameBefore(string query)
    {
        var unterminated = Assert.Single(Run(query, L("a=1 b=\"open c=3"))).Labels;
        var quoteInKey = Assert.Single(Run(query, L("x=2 {\"level\": \"info\"}"))).Labels;

        Assert.Equal("LogfmtParserErr", unterminated["__error__"]);
        Assert.Equal("1", unterminated["a"]);
        Assert.Null(unterminated["c"]);
        Assert.Equal("LogfmtParserErr", quoteInKey["__error__"]);
        Assert.Equal("2", quoteInKey["x"]);
    }

    [Fact]
    public void Logfmt_AWordsLine_GivesEmptyLabelsWithSanitisedNames_NotAnError()
    {
        var labels = Assert.Single(Run("{job=\"app\"} | logfmt", L("Traceback (most recent call last): File app.py line 113"))).Labels;

        Assert.Null(labels["__error__"]);
        Assert.All(["File", "Traceback", "_113", "_most", "app_py", "call", "last__", "line", "recent"], name => Assert.Equal("", labels[name]));
    }

    [Fact]
    public void Regexp_NamedGroups_BecomeLabels()
    {
        var result = Run("{job=\"app\"} | regexp \"(?P<method>[A-Z]+) (?P<path>/\\\\S*)\"", L("GET /api/users 200"));

        Assert.Equal("GET", result[0].Labels["method"]);
        Assert.Equal("/api/users", result[0].Labels["path"]);
    }

    [Fact]
    public void Pattern_Captures_AreTextBetweenLiterals()
    {
        var result = Run("{job=\"app\"} | pattern \"<ip> - - [<_>] \\\"<method> <path> <_>\\\" <status> <size>\"",
            L("10.0.0.1 - - [26/Nov/2026:10:00:00 +0000] \"DELETE /api/users/7 HTTP/1.1\" 204 0"));

        var labels = Assert.Single(result).Labels;
        Assert.Equal("10.0.0.1", labels["ip"]);
        Assert.Equal("DELETE", labels["method"]);
        Assert.Equal("/api/users/7", labels["path"]);
        Assert.Equal("204", labels["status"]);
        Assert.Equal("0", labels["size"]);
    }

    [Fact]
    public void Unpack_EntryField_ReplacesLine()
    {
        var result = Run("{job=\"app\"} | unpack", L("{\"container\":\"api\",\"_entry\":\"original line\"}"));

        Assert.Equal("original line", result[0].Line);
        Assert.Equal("api", result[0].Labels["container"]);
    }

    [Theory]
    [InlineData("status>=500", new[] { "503", "500" })]
    [InlineData("status==404", new[] { "404" })]
    [InlineData("status!=404", new[] { "503", "200", "500" })]
    [InlineData("status<300", new[] { "200" })]
    [InlineData("status>=500 and path=~\"/api/.*\"", new[] { "503" })]
    [InlineData("status==200 or status==404", new[] { "404", "200" })]
    public void NumericFilters_CompareAsNumbers(string filter, string[] expected)
    {
        var result = Run($"{{job=\"app\"}} | logfmt | {filter}",
            L("status=503 path=/api/a"), L("status=404 path=/x"), L("status=200 path=/api/b"), L("status=500 path=/x"));

        Assert.Equal(expected, result.Select(r => r.Labels["status"]));
    }

    [Fact]
    public void NumericFilter_NotANumber_KeepsEntryWithLabelFilterError()
    {
        var result = Run("{job=\"app\"} | logfmt | status>=500", L("status=oops"), L("status=501"), L("other=1"));

        Assert.Equal(2, result.Count);
        Assert.Equal("LabelFilterErr", result[0].Labels["__error__"]);
        Assert.Equal("501", result[1].Labels["status"]);
    }

    [Fact]
    public void DurationAndBytesFilters_ConvertUnits()
    {
        var durations = Run("{job=\"app\"} | logfmt | took>1s", L("took=250ms"), L("took=1.5s"), L("took=2m"));
        var sizes = Run("{job=\"app\"} | logfmt | size>=1KiB", L("size=1000B"), L("size=2KiB"), L("size=1MB"));

        Assert.Equal(["1.5s", "2m"], durations.Select(r => r.Labels["took"]));
        Assert.Equal(["2KiB", "1MB"], sizes.Select(r => r.Labels["size"]));
    }

    [Fact]
    public void IpLabelFilter_MatchesCidr()
    {
        var result = Run("{job=\"app\"} | logfmt | ip=ip(\"192.168.0.0/16\")", L("ip=192.168.4.2"), L("ip=10.0.0.1"), L("ip=bad"));

        Assert.Equal(["192.168.4.2"], result.Select(r => r.Labels["ip"]));
    }

    [Fact]
    public void LineFormat_Template_RendersLabelsAndFunctions()
    {
        var result = Run("{job=\"app\"} | logfmt | line_format \"{{.method | ToLower}} {{.path}} {{default \\\"-\\\" .user}} {{printf \\\"%05d\\\" .n}} {{__line__ | len | printf \\\"%04d\\\"}}\"",
            L("method=DELETE path=/u n=42"));

        // A label is a string to Go's printf, so %d on it prints Go's complaint, as Loki shows it; len is a number.
        Assert.Equal("delete /u - %!d(string=42) 0026", result[0].Line);
    }

    [Fact]
    public void LineFormat_PipeInsideQuotes_IsAnArgumentNotAPipeline()
    {
        var result = Run("{job=\"app\"} | logfmt | line_format \"{{ .path | replace \\\"|\\\" \\\"/\\\" }} {{ printf \\\"%s|%s\\\" .a .b }}\"", L("path=a|b a=1 b=2"));

        Assert.Equal("a/b 1|2", result[0].Line);
    }

    /// <summary>The parser's list of allowed functions and the renderer's implementations must not drift apart.</summary>
    [Fact]
    public void LineFormat_EveryAllowedFunction_Renders()
    {
        foreach (var function in TovPlay.Logs.Domain.LogQL.Parsing.TemplateSyntax.Functions)
        {
            var call = function == "printf" ? "printf \\\"%s\\\" .a" : $"{function} \\\"2\\\" \\\"2\\\" .a";
            var result = Run($"{{job=\"app\"}} | logfmt | line_format \"{{{{{call}}}}}\"", L("a=value"));
            Assert.Null(Assert.Single(result).Labels["__error__"]);
        }
    }

    [Fact]
    public void LabelFormat_RenameAndTemplate_UseLabelsBeforeTheStage()
    {
        var result = Run("{job=\"app\"} | logfmt | label_format who=user, route=\"{{.method}} {{.path}}\"", L("user=ana method=GET path=/x"));

        var labels = Assert.Single(result).Labels;
        Assert.Equal("ana", labels["who"]);
        Assert.Null(labels["user"]);
        Assert.Equal("GET /x", labels["route"]);
    }

    [Fact]
    public void DropAndKeep_ChangeSeriesIdentity()
    {
        var dropped = Run("{job=\"app\"} | logfmt | drop level, b=\"2\"", L("a=1 b=2"), L("a=1 b=3"));
        var kept = Run("{job=\"app\"} | logfmt | keep a", L("a=1 b=2"));

        Assert.Equal("{a=\"1\", job=\"app\"}", dropped[0].Labels.ToString());
        Assert.Equal("{a=\"1\", b=\"3\", job=\"app\"}", dropped[1].Labels.ToString());
        Assert.Equal("{a=\"1\"}", kept[0].Labels.ToString());
    }

    [Fact]
    public void Decolorize_StripsAnsi()
    {
        var result = Run("{job=\"app\"} | decolorize", L("\u001b[31mred\u001b[0m text"));

        Assert.Equal("red text", result[0].Line);
    }

    [Fact]
    public void Direction_AndLimit_AreHonoured()
    {
        var source = new InMemoryLogSource(
        [
            new LogStream(LabelSet.From(("job", "app"), ("s", "1")), [new LogEntry(1, "a1"), new LogEntry(4, "a4"), new LogEntry(6, "a6")]),
            new LogStream(LabelSet.From(("job", "app"), ("s", "2")), [new LogEntry(2, "b2"), new LogEntry(5, "b5")]),
            new LogStream(LabelSet.From(("job", "other")), [new LogEntry(3, "c3")]),
        ]);
        var expr = Assert.IsType<LogQueryExpr>(LogQLQuery.Parse("{job=\"app\"}"));

        var backward = LogQueryEvaluator.Run(expr, source, 0, 100, Direction.Backward, 3).Select(r => r.Line);
        var forward = LogQueryEvaluator.Run(expr, source, 2, 6, Direction.Forward, 100).Select(r => r.Line);

        Assert.Equal(["a6", "b5", "a4"], backward);
        Assert.Equal(["b2", "a4", "b5"], forward);
    }

    [Fact]
    public void LogQuery_Streaming_DoesNotReadPastTheLimit()
    {
        var read = 0;
        IEnumerable<LogEntry> Endless()
        {
            for (long i = 0; ; i++)
            {
                read++;
                yield return new LogEntry(i, "line " + i);
            }
        }

        var source = new EndlessSource(Endless());
        var expr = Assert.IsType<LogQueryExpr>(LogQLQuery.Parse("{job=\"app\"} |= \"line\""));

        var result = LogQueryEvaluator.Run(expr, source, 0, long.MaxValue, Direction.Forward, 10).ToList();

        Assert.Equal(10, result.Count);
        Assert.InRange(read, 10, 11);
    }

    private sealed class EndlessSource(IEnumerable<LogEntry> entries) : ILogStreamSource
    {
        public IEnumerable<StreamSlice> Select(LogSelection selection) =>
            [new StreamSlice(LabelSet.From(("job", "app")), entries)];
    }
}
