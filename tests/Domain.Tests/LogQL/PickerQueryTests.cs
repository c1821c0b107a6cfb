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
    [InlineData("{job=\"api\"} | json")]
    [InlineData("{job=~\".+\", env=\"prod\"}")]
    [InlineData("{job=\"api\"} |= \"a\" |= \"b\"")]
    [InlineData("{job=\"api\"} != \"a\"")]
    [InlineData("{job=\"api\"} |= \"a\" or \"b\"")]
    public void From_MoreThanPickersShow_IsNull(string logql)
    {
        Assert.Null(Back(logql));
    }
}
