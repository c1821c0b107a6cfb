using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.Model.Lines;
using TovPlay.Logs.Web.Model.Live;
using TovPlay.Logs.Web.Tail;

namespace TovPlay.Logs.Web.Tests.Model.Live;

public sealed class LiveLineBufferTests
{
    private static IEnumerable<ListedLine> Lines(int from, int count) =>
        Enumerable.Range(from, count).Select(i => new ListedLine(i, new TailLine(LabelSet.From(("job", "x")), i, $"line {i}")));

    [Fact]
    public void Add_PastTheCap_EvictsTheOldest()
    {
        var buffer = new LiveLineBuffer(5);

        buffer.Add(Lines(0, 8));

        Assert.Equal(["line 3", "line 4", "line 5", "line 6", "line 7"], buffer.Shown.Select(l => l.Source.Line));
        Assert.Equal(3, buffer.Evicted);
    }

    [Fact]
    public void Pause_KeepsTheScreenStill_AndCountsWhatWaits_ResumeShowsIt()
    {
        var buffer = new LiveLineBuffer(10);
        buffer.Add(Lines(0, 2));

        buffer.Pause();
        buffer.Add(Lines(2, 3));

        Assert.Equal(2, buffer.Shown.Count);
        Assert.Equal(3, buffer.Waiting);
        buffer.Resume();
        Assert.Equal(5, buffer.Shown.Count);
        Assert.Equal(0, buffer.Waiting);
        Assert.Equal(0, buffer.DroppedWhilePaused);
    }

    [Fact]
    public void Pause_MoreArrivalsThanTheCap_DropsTheOldestWaitingAndCountsThem()
    {
        var buffer = new LiveLineBuffer(4);
        buffer.Pause();

        buffer.Add(Lines(0, 7));
        buffer.Resume();

        Assert.Equal(["line 3", "line 4", "line 5", "line 6"], buffer.Shown.Select(l => l.Source.Line));
        Assert.Equal(3, buffer.DroppedWhilePaused);
    }

    [Theory]
    [InlineData("""{"level":"ERROR","msg":"x"}""", null, "error")]
    [InlineData("level=warn msg=x", null, "warn")]
    [InlineData("no level here", null, null)]
    [InlineData("""{"level":"info"}""", "debug", "debug")]
    public void Level_ComesFromTheLabelElseTheLine(string line, string? label, string? expected)
    {
        var labels = label is null ? LabelSet.From(("job", "x")) : LabelSet.From(("job", "x"), ("level", label));

        Assert.Equal(expected, new ListedLine(1, new TailLine(labels, 1, line)).Level);
    }
}
