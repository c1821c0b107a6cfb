using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Search;

namespace TovPlay.Logs.Domain.Tests.Logs.Search;

public sealed class LogVolumeTests
{
    [Theory]
    [InlineData(60, 1)]
    [InlineData(120, 1)]
    [InlineData(121, 2)]
    [InlineData(15 * 60, 10)]
    [InlineData(60 * 60, 30)]
    [InlineData(24 * 3600, 15 * 60)]
    [InlineData(30 * 24 * 3600, 6 * 3600)]
    [InlineData(400 * 24 * 3600, 24 * 3600)]
    public void StepFor_KeepsAtMost120Bars_WithARoundStep(int windowSeconds, int stepSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(stepSeconds), LogVolume.StepFor(TimeSpan.FromSeconds(windowSeconds)));
    }

    [Fact]
    public void QueryFor_CountsTheSameLinesPerLevel()
    {
        var query = (LogQueryExpr)LogQLQuery.Parse("{job=\"api\"} |= \"timeout\" | json | status >= 500");

        var volume = LogVolume.QueryFor(query, TimeSpan.FromMinutes(1));

        Assert.Equal("sum by (level) (count_over_time({job=\"api\"} |= \"timeout\" | json | status>=500 | drop __error__, __error_details__ [1m]))", LogQLQuery.Print(volume));
    }

    [Fact]
    public void QueryFor_CountsTheLinesAParserCouldNotRead_AsTheListShowsThem_InsteadOfFailing()
    {
        const long S = 1_000_000_000;
        var source = new InMemoryLogSource(
        [
            new LogStream(LabelSet.From(("job", "api"), ("level", "error")),
                [new LogEntry(10 * S, "{\"status\": 500}"), new LogEntry(20 * S, "Traceback: boom"), new LogEntry(30 * S, "{\"status\": 200}")]),
        ]);
        var query = (LogQueryExpr)LogQLQuery.Parse("{job=\"api\"} | json | status >= 500");

        var listed = LogQueryEvaluator.Run(query, source, 0, 60 * S, Direction.Forward, 100).Count();
        var counted = MetricEvaluator.EvaluateInstant(LogVolume.QueryFor(query, TimeSpan.FromMinutes(1)), source, 60 * S);

        Assert.Equal(2, listed);
        Assert.Equal(2, Assert.Single(Assert.Single(counted.Series).Points).Value);
    }
}
