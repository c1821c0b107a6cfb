using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.Logs;

public sealed class EntryOrderTests
{
    [Fact]
    public void EntriesAlreadyInOrder_AreTheSameList_NotACopy()
    {
        var entries = new List<LogEntry> { new(1, "a"), new(2, "b"), new(2, "c"), new(5, "d") };

        Assert.Same(entries, EntryOrder.ByTime(entries));
    }

    [Fact]
    public void EntriesOutOfOrder_AreSortedByTime_AndThoseOfOneTimeKeepTheirOrder()
    {
        var entries = new List<LogEntry> { new(5, "late"), new(2, "first at 2"), new(1, "earliest"), new(2, "second at 2"), new(2, "third at 2") };

        var ordered = EntryOrder.ByTime(entries);

        Assert.Equal(["earliest", "first at 2", "second at 2", "third at 2", "late"], ordered.Select(e => e.Line));
        Assert.Equal("late", entries[0].Line);
    }
}
