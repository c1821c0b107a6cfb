using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Tests.Shared;

namespace TovPlay.Logs.Domain.Tests.LogQL.Evaluation;

/// <summary>Log data is whatever applications wrote: no line, however broken, may make a log query throw.</summary>
public sealed class PipelineRobustnessTests
{
    public static TheoryData<string> Pipelines() =>
    [
        "| json",
        "| json a=\"user.id\", b=\"items[3]\", c=\"[\\\"x y\\\"]\"",
        "| logfmt",
        "| logfmt --strict --keep-empty",
        "| regexp \"(?P<method>[A-Z]+) (?P<path>/\\\\S*)\"",
        "| pattern \"<_> \\\"<method> <path> <_>\\\" <status>\"",
        "| unpack",
        "| json | line_format \"{{.msg | upper}} {{substr 2 5 .path}} {{printf \\\"%05d\\\" .status}} {{trunc 3 .ip}}\"",
        "| logfmt | label_format who=username, route=\"{{.method}} {{repeat 2 .x}}\"",
        "| json | status>=500 or duration_ms>1.5 and size>1KB",
        "| json | took>1s | ip=ip(\"10.0.0.0/8\")",
        "| decolorize | drop level | keep ts, msg",
    ];

    [Theory]
    [MemberData(nameof(Pipelines))]
    public void Pipeline_BrokenLines_NeverThrows(string pipeline)
    {
        var random = new Random(pipeline.Length);
        var lines = SampleData.Streams.SelectMany(s => s.Entries).Take(3000).Select(e => Mutate(e.Line, random)).ToList();
        var source = new InMemoryLogSource([new LogStream(LabelSet.From(("job", "app")), [.. lines.Select((l, i) => new LogEntry(i + 1, l))])]);
        var query = Assert.IsType<LogQueryExpr>(LogQLQuery.Parse("{job=\"app\"} " + pipeline));

        var results = LogQueryEvaluator.Run(query, source, 0, long.MaxValue, Direction.Forward, int.MaxValue).ToList();

        Assert.All(results, r => Assert.NotNull(r.Line));
    }

    public static TheoryData<string, string> FusedJsonFilters() => new()
    {
        { "", "duration_ms>300" },
        { "", "level=\"info\"" },
        { "| drop level", "status==200" },
        { "| logfmt", "k=\"v\" or status==200" },
        { "| label_format level=job", "level=\"app\"" },
        { "", "action=\"DELETE\", duration_ms>50" },
    };

    /// <summary>
    /// <c>| json | filter</c> runs fused (filter first on the fields it needs); putting an always-true error filter
    /// between them turns the fusion off. Both must give the same entries with the same labels, broken lines included.
    /// </summary>
    [Theory]
    [MemberData(nameof(FusedJsonFilters))]
    public void FusedJsonFilter_SameResultAsSeparateStages(string before, string filter)
    {
        var random = new Random(filter.Length + before.Length);
        var lines = SampleData.Lines("tovplay-backend").Take(2000).Select(l => Mutate(l.Entry.Line, random))
            .Append("k=v").Append("{\"level\":\"error\",\"k\":\"v\"").ToList();
        var source = new InMemoryLogSource([new LogStream(LabelSet.From(("job", "app"), ("level", "info")), [.. lines.Select((l, i) => new LogEntry(i + 1, l))])]);
        List<LogResult> Run(string query) =>
            [.. LogQueryEvaluator.Run(Assert.IsType<LogQueryExpr>(LogQLQuery.Parse(query)), source, 0, long.MaxValue, Direction.Forward, int.MaxValue)];

        var fused = Run($"{{job=\"app\"}} {before} | json | {filter}");
        var separate = Run($"{{job=\"app\"}} {before} | json | __error__=~\".*\" | {filter}");

        Assert.NotEmpty(fused);
        var expected = separate.Select(r => $"{r.TimestampNs} {r.Labels}").ToList();
        var actual = fused.Select(r => $"{r.TimestampNs} {r.Labels}").ToList();
        var first = Enumerable.Range(0, Math.Min(expected.Count, actual.Count)).FirstOrDefault(i => expected[i] != actual[i], -1);
        Assert.True(first < 0 && expected.Count == actual.Count,
            $"{expected.Count} vs {actual.Count} entries; first difference at {first}:\nseparate: {(first >= 0 ? expected[first] : "")}\nfused:    {(first >= 0 ? actual[first] : "")}");
    }

    private static string Mutate(string line, Random random)
    {
        if (random.Next(4) == 0 || line.Length == 0)
        {
            return line;
        }

        const string breakers = "\"{}[]\\=: ,\u001b\u0000é";
        var chars = line.ToCharArray();
        for (var i = random.Next(1, 6); i > 0; i--)
        {
            chars[random.Next(chars.Length)] = breakers[random.Next(breakers.Length)];
        }

        var text = new string(chars);
        return random.Next(3) == 0 ? text[..random.Next(text.Length)] : text;
    }
}
