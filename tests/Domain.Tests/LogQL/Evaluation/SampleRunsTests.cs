using TovPlay.Logs.Domain.LogQL.Evaluation;

namespace TovPlay.Logs.Domain.Tests.LogQL.Evaluation;

public sealed class SampleRunsTests
{
    [Fact]
    public void Sort_AppendedRuns_EndInTimeOrderWithTiesInRunOrder()
    {
        // Three streams' runs appended; value = run * 100 + position, so ties show which run came first.
        var samples = new List<(long Ts, double Value)>
        {
            (1, 100), (4, 101), (9, 102),
            (2, 200), (4, 201), (4, 202), (8, 203),
            (0, 300), (4, 301), (10, 302),
        };

        SampleRuns.Sort(samples);

        Assert.Equal([0L, 1, 2, 4, 4, 4, 4, 8, 9, 10], samples.Select(s => s.Ts));
        Assert.Equal([101.0, 201, 202, 301], samples.Where(s => s.Ts == 4).Select(s => s.Value));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public void Sort_RandomRuns_MatchesStableOrderBy(int seed)
    {
        var random = new Random(seed);
        var samples = new List<(long Ts, double Value)>();
        for (var run = random.Next(0, 9); run >= 0; run--)
        {
            var ts = (long)random.Next(0, 50);
            for (var i = random.Next(0, 30); i > 0; i--)
            {
                ts += random.Next(0, 3);
                samples.Add((ts, samples.Count));
            }
        }

        var expected = samples.OrderBy(s => s.Ts).ToList();
        SampleRuns.Sort(samples);

        Assert.Equal(expected, samples);
    }
}
