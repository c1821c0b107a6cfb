using System.Text.Json;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Samples;
using TovPlay.Logs.Domain.Queries;
using TovPlay.Logs.Domain.Tests.Shared;

namespace TovPlay.Logs.Domain.Tests.Queries;

public sealed class ForensicQueryLibraryTests
{
    public static TheoryData<string> Ids() => [.. ForensicQueryLibrary.All.Select(q => q.Id)];

    /// <summary>Arguments that point at something the sample data really contains.</summary>
    internal static Dictionary<string, string?> SampleArguments(ForensicQuery query)
    {
        var backendLine = SampleData.Lines("tovplay-backend").First().Entry.Line;
        using var backend = JsonDocument.Parse(backendLine);
        var frontendCorrelation = JsonDocument.Parse(SampleData.Lines("tovplay-frontend").First().Entry.Line).RootElement.GetProperty("correlation_id").GetString();
        var truncate = SampleData.Lines("tovplay-db-audit").First(l => l.Entry.Line.Contains("\"action\":\"TRUNCATE\"", StringComparison.Ordinal)).Entry.Line;
        var txid = JsonDocument.Parse(truncate).RootElement.GetProperty("txid").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var sample = new Dictionary<string, string?>
        {
            ["username"] = "player07",
            ["ip"] = query.Id is "how.db-sessions-from-ip" or "audit.by-client" ? SampleDataSet.IncidentIp : "192.0.2.77",
            ["correlation_id"] = frontendCorrelation,
            ["trace_id"] = backend.RootElement.GetProperty("trace_id").GetString(),
            ["session_id"] = "s-7",
            ["table"] = SampleDataSet.IncidentTable,
            ["role"] = SampleDataSet.IncidentDbUser,
            ["resource"] = "users",
            ["txid"] = txid,
            ["text"] = "TRUNCATE",
            ["ms"] = "400",
        };
        return query.Parameters.Where(p => sample.ContainsKey(p.Name)).ToDictionary(p => p.Name, p => sample[p.Name]);
    }

    [Fact]
    public void Library_HasAtLeastSixtyQueriesInEveryCategory()
    {
        var all = ForensicQueryLibrary.All;

        Assert.True(all.Count >= 60, $"only {all.Count} queries");
        Assert.All(Enum.GetValues<QueryCategory>(), c => Assert.NotEmpty(ForensicQueryLibrary.In(c)));
        Assert.Equal(all.Count, all.Select(q => q.Id).Distinct().Count());
        Assert.All(all, q => Assert.True(q.Description.Length > 40, $"{q.Id} has no real description"));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Query_SampleArguments_RendersParsesAndFindsSomething(string id)
    {
        var query = ForensicQueryLibrary.Find(id)!;
        var expr = query.Render(SampleArguments(query));
        var text = LogQLQuery.Print(expr);

        Assert.Equal(expr, LogQLQuery.Parse(text));
        if (expr is LogQueryExpr log)
        {
            var lines = LogQueryEvaluator.Run(log, SampleData.Source, SampleData.StartNs, SampleData.EndNs, Direction.Backward, 100).ToList();
            Assert.True(lines.Count > 0, $"{id}: {text} found no lines");
        }
        else
        {
            var result = MetricEvaluator.EvaluateRange(expr, SampleData.Source, SampleData.StartNs, SampleData.EndNs, 60_000_000_000);
            Assert.True(result.Series.SelectMany(s => s.Points).Any(p => p.Value > 0), $"{id}: {text} gave no positive point");
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Query_OverLinesItsParserCannotRead_DoesNotFailWithAPipelineError(string id)
    {
        // A traceback, a logfmt line and a cut JSON line in every stream of the data set: Loki keeps such lines through
        // number filters, and a metric over them fails, unless the query takes them out itself.
        var broken = new[] { "Traceback (most recent call last): boom", "level=error msg=\"not json\" status=500", "{\"status\": 500, \"msg\": \"cut" };
        var streams = SampleData.Streams.Select(s => new LogStream(s.Labels,
            [.. s.Entries.Concat(broken.Select((line, i) => new LogEntry(SampleData.StartNs + ((i + 1) * 600_000_000_000L) + 1, line))).OrderBy(e => e.TimestampNs)]));
        var source = new InMemoryLogSource(streams);
        var query = ForensicQueryLibrary.Find(id)!;
        var expr = query.Render(SampleArguments(query));

        if (expr is not LogQueryExpr)
        {
            var result = MetricEvaluator.EvaluateRange(expr, source, SampleData.StartNs, SampleData.EndNs, 60_000_000_000);
            Assert.True(result.Series.SelectMany(s => s.Points).Any(p => p.Value > 0), $"{id}: {LogQLQuery.Print(expr)} gave no positive point");
        }
    }

    [Fact]
    public void TheCorrelationTimeline_FindsARequestInAnyEnvironment_NotOnlyProduction()
    {
        var source = new InMemoryLogSource(
        [
            new LogStream(LabelSet.From(("job", "tovplay-backend"), ("env", "sandbox")), [new LogEntry(SampleData.StartNs + 1, "{\"correlation_id\":\"abc-123\",\"msg\":\"DELETE /api/games\"}")]),
            new LogStream(LabelSet.From(("job", "tovplay-frontend"), ("env", "staging")), [new LogEntry(SampleData.StartNs + 2, "{\"correlation_id\":\"abc-123\",\"msg\":\"click\"}")]),
        ]);
        var query = ForensicQueryLibrary.Find("why.correlation-timeline")!;
        var expr = Assert.IsType<LogQueryExpr>(query.Render(new Dictionary<string, string?> { ["correlation_id"] = "abc-123" }));

        var found = LogQueryEvaluator.Run(expr, source, SampleData.StartNs, SampleData.EndNs, Direction.Forward, 100).ToList();

        Assert.Equal(["tovplay-backend", "tovplay-frontend"], found.Select(l => l.Labels["job"]));
    }

    [Fact]
    public void Render_MissingRequiredArgument_NamesTheField()
    {
        var query = ForensicQueryLibrary.Find("who.user-activity")!;

        var error = Assert.Throws<QueryArgumentException>(() => query.Render(new Dictionary<string, string?>()));

        Assert.Equal("username", error.Parameter);
        Assert.StartsWith("Username is required.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("who.ip-activity", "ip", "999.1.1.1", "IP address: '999.1.1.1' is not an IP address.")]
    [InlineData("who.ip-activity", "ip", "10.2", "IP address: '10.2' is not an IP address.")]
    [InlineData("why.correlation-timeline", "correlation_id", "a b", "Correlation id: 'a b' is not a correlation id (letters, digits, - _ . : up to 64).")]
    [InlineData("what.table-changes", "table", "users; drop table x", "Table: 'users; drop table x' is not a table name (letters, digits and _, optionally schema.table).")]
    [InlineData("who.top-users", "range", "5x", "Time range: '5x' is not a duration such as 5m, 1h or 1d.")]
    [InlineData("who.top-users", "range", "90d", "Time range is longer than 30 days.")]
    [InlineData("what.mass-changes", "rows", "-3", "Rows at least must be between 1 and 1000000000.")]
    [InlineData("what.mass-changes", "rows", "many", "Rows at least: 'many' is not a number.")]
    public void Render_InvalidArgument_SaysWhichFieldAndWhy(string id, string parameter, string value, string message)
    {
        var query = ForensicQueryLibrary.Find(id)!;

        var error = Assert.Throws<QueryArgumentException>(() => query.Render(new Dictionary<string, string?> { [parameter] = value }));

        Assert.Equal(parameter, error.Parameter);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HostileUsername_IsEscapedNotInjected()
    {
        var query = ForensicQueryLibrary.Find("who.user-activity")!;
        const string hostile = "x\" | __error__=\"\" or username=~\".*";

        var expr = Assert.IsType<LogQueryExpr>(query.Render(new Dictionary<string, string?> { ["username"] = hostile }));

        var filter = Assert.IsType<StringLabelFilter>(Assert.IsType<LabelFilterStage>(expr.Pipeline[^1]).Filter);
        Assert.Equal(hostile, filter.Value);
        Assert.Equal(expr, LogQLQuery.Parse(LogQLQuery.Print(expr)));
    }

    [Fact]
    public void Render_UnknownArgument_IsRefused()
    {
        var query = ForensicQueryLibrary.Find("errors.recent")!;

        var error = Assert.Throws<QueryArgumentException>(() => query.Render(new Dictionary<string, string?> { ["user"] = "x" }));

        Assert.Equal("user", error.Parameter);
    }
}
