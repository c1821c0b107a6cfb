using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Building;

namespace TovPlay.Logs.Domain.Tests.LogQL;

public sealed class PickerQueryTests
{
    private static PickerQuery? Back(string logql) => PickerQuery.From(Assert.IsType<LogQueryExpr>(LogQLQuery.Parse(logql)));

    [Fact]
    public void ToLogQL_NothingPicked_SelectsEveryJob()
    {
        Assert.Equal("{job=~\".+\"}", new PickerQuery().ToLogQL());
    }

    [Fact]
    public void ToLogQL_LabelsLevelsAndText_QuotesEveryValue()
    {
        var query = new PickerQuery
        {
            Labels = new Dictionary<string, string> { ["job"] = "tovplay-backend", ["env"] = "prod \"eu\"" },
            Levels = ["error", "warn"],
            Text = "user \"42\"",
        };

        Assert.Equal("{env=\"prod \\\"eu\\\"\", job=\"tovplay-backend\", level=~\"error|warn\"} |= \"user \\\"42\\\"\"", query.ToLogQL());
    }

    [Theory]
    [InlineData("{job=~\".+\"}")]
    [InlineData("{job=\"api\"}")]
    [InlineData("{job=~\".+\", level=~\"error|warn\"}")]
    [InlineData("{env=\"prod\", job=\"api\", level=\"error\"}")]
    [InlineData("{job=\"api\", level=~\"error|warn\"} |= \"timeout\"")]
    public void From_WhatPickersCanShow_RoundTrips(string logql)
    {
        var picked = Back(logql);

        Assert.NotNull(picked);
        Assert.Equal(LogQLQuery.Format(logql), picked.ToLogQL());
    }

    [Theory]
    [InlineData("{job=\"api\", env!=\"dev\"}")]
    [InlineData("{job=~\"api|web\"}")]
    [InlineData("{job=\"api\", level=~\"err.*\"}")]
    [InlineData("{job=~\".+\", env=\"prod\"}")]
    public void From_ASelectorMoreThanPickersShow_IsNull(string logql)
    {
        Assert.Null(Back(logql));
    }

    [Theory]
    [InlineData("{job=\"api\"} | json", "", 1)]
    [InlineData("{job=\"api\", level=\"error\"} | json | user=\"ana\"", "", 2)]
    [InlineData("{job=\"api\"} |= \"timeout\" | logfmt | status>=500", "timeout", 2)]
    [InlineData("{job=\"api\"} |= \"a\" |= \"b\"", "a", 1)]
    [InlineData("{job=\"api\"} != \"a\"", "", 1)]
    [InlineData("{job=\"api\"} |= \"a\" or \"b\"", "", 1)]
    public void From_APipelineBeyondTheText_IsKeptAsItIs_SoAFieldFilterLeavesThePickers(string logql, string text, int kept)
    {
        var picked = Back(logql);

        Assert.NotNull(picked);
        Assert.Equal(text, picked.Text);
        Assert.Equal(kept, picked.Rest.Count);
        Assert.Equal(LogQLQuery.Format(logql), picked.ToLogQL());
    }

    [Fact]
    public void ChangingALevel_KeepsTheFieldFilterAfterIt()
    {
        var picked = Back("{job=\"api\"} | json | user=\"ana\"")!;

        Assert.Equal("{job=\"api\", level=\"error\"} | json | user=\"ana\"", (picked with { Levels = ["error"] }).ToLogQL());
    }
}
