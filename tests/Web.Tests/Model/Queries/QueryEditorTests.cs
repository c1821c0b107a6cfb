using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.Model.Queries;
using TovPlay.Logs.Web.Tail;

namespace TovPlay.Logs.Web.Tests.Model.Queries;

public sealed class QueryEditorTests
{
    private readonly QueryEditor _editor = new(TailBroker.Normalize, "{job=~\".+\"}");
    private readonly QueryEditor _anyQuery = new(QueryEditor.AnyQuery, "{job=~\".+\"}");

    [Fact]
    public void SetQuery_Invalid_KeepsTheOldOneAndSaysWhere()
    {
        Assert.True(_editor.SetQuery("{job=\"api\"}"));

        Assert.False(_editor.SetQuery("{job=\"api\"} |= "));

        Assert.Equal("{job=\"api\"}", _editor.Query);
        Assert.StartsWith("parse error at line 1, col ", _editor.QueryError);
    }

    [Fact]
    public void ADraft_RefusedOrTooLong_StaysAsTyped_BesideItsReason_AndTheQueryRunStaysTheLastGoodOne()
    {
        _editor.SetQuery("{job=\"api\"}");

        _editor.Draft = "{job=\"web\"} |= ";
        Assert.True(_editor.HasDraft);
        Assert.False(_editor.ApplyDraft());
        Assert.Equal("{job=\"web\"} |= ", _editor.Draft);
        Assert.Equal("{job=\"api\"}", _editor.Query);
        Assert.StartsWith("parse error at line 1, col 16", _editor.QueryError);

        var tooLong = "{job=\"api\"} |= \"" + new string('x', QueryEditor.MaxQueryLength) + "\"";
        Assert.False(_editor.SetQuery(tooLong));
        Assert.Equal(tooLong, _editor.Draft);
        Assert.Equal($"The query is {tooLong.Length:N0} characters long; the limit is 10,000.", _editor.QueryError);

        // What reached the box's own limit was cut by the browser: said so, rather than a length that is not the paste's.
        Assert.False(_editor.SetQuery(new string('x', QueryEditor.MaxDraftLength)));
        Assert.Equal("The query box takes 40,000 characters and what was pasted was longer, so it was cut there; a query has at most 10,000.", _editor.QueryError);

        _editor.Draft = "{ job = \"web\" }";
        Assert.True(_editor.ApplyDraft());
        Assert.Equal("{job=\"web\"}", _editor.Draft);
        Assert.False(_editor.HasDraft);
        Assert.Null(_editor.QueryError);
    }

    [Theory]
    [InlineData("env", "prod", true, LineKind.Plain, "{job=\"api\", env=\"prod\"}")]
    [InlineData("env", "dev", false, LineKind.Plain, "{job=\"api\", env!=\"dev\"}")]
    [InlineData("user_id", "7", true, LineKind.Json, "{job=\"api\"} | json | user_id=\"7\"")]
    [InlineData("status", "500", false, LineKind.Logfmt, "{job=\"api\"} | logfmt | status!=\"500\"")]
    public void AddFilter_LabelBecomesAMatcher_FieldAFilterAfterItsParser(string name, string value, bool include, LineKind kind, string expected)
    {
        _editor.SetQuery("{job=\"api\"}");

        Assert.True(_editor.AddFilter(name, value, include, kind));

        Assert.Equal(expected, _editor.Query);
    }

    [Fact]
    public void AddFilter_QueryAlreadyParses_DoesNotAddASecondParser()
    {
        _editor.SetQuery("{job=\"api\"} | json");

        _editor.AddFilter("user", "ann", include: true, LineKind.Json);

        Assert.Equal("{job=\"api\"} | json | user=\"ann\"", _editor.Query);
    }

    [Fact]
    public void SetQuery_MetricQuery_RefusedWhereOnlyLogQueriesRun_TakenWhereAnyQueryRuns()
    {
        const string metric = "sum by (level) (count_over_time({job=\"api\"}[5m]))";

        Assert.False(_editor.SetQuery(metric));
        Assert.NotNull(_editor.QueryError);

        Assert.True(_anyQuery.SetQuery(metric));
        Assert.True(_anyQuery.IsMetric);
        Assert.Null(_anyQuery.Picker);
    }

    [Fact]
    public void AddFilter_OnAMetricQuery_IsRefusedWithAReason()
    {
        _anyQuery.SetQuery("count_over_time({job=\"api\"}[5m])");

        Assert.False(_anyQuery.AddFilter("env", "prod", include: true));

        Assert.Equal("count_over_time({job=\"api\"}[5m])", _anyQuery.Query);
        Assert.Contains("metric query", _anyQuery.QueryError);
    }

    [Fact]
    public void SetQuery_TooLong_IsRefusedBeforeParsing()
    {
        Assert.False(_anyQuery.SetQuery("{job=\"" + new string('a', QueryEditor.MaxQueryLength) + "\"}"));

        Assert.Equal("The query is 10,008 characters long; the limit is 10,000.", _anyQuery.QueryError);
    }
}
