using TovPlay.Logs.Web.LogStore;

namespace TovPlay.Logs.Web.Tests.LogStore;

public sealed class LineArenaTests
{
    [Fact]
    public void Append_ThenDecode_GivesTheLineBackIncludingNonAscii()
    {
        var arena = new LineArena();
        string[] lines = ["plain", "", "naïve café ☕ 𝄞", new string('x', LineArena.BlockSize + 10)];

        var stored = lines.Select(arena.Append).ToList();

        Assert.Equal(lines, stored.Select(arena.Decode));
        Assert.True(arena.Equals(stored[2], "naïve café ☕ 𝄞"));
        Assert.False(arena.Equals(stored[2], "naive cafe"));
        Assert.False(arena.Equals(stored[0], "plaiN"));
    }

    [Fact]
    public void Release_EveryLineOfAFullBlock_DropsTheBlockButKeepsTheOthersReadable()
    {
        var arena = new LineArena();
        var line = new string('a', 1000);
        var stored = Enumerable.Range(0, 3 * LineArena.BlockSize / 1000).Select(i => arena.Append($"{i:D6}{line}")).ToList();
        Assert.Equal(4, arena.Blocks);

        foreach (var old in stored.Where(s => s.Block == stored[0].Block))
        {
            arena.Release(old);
        }

        Assert.Equal(3, arena.Blocks);
        var last = stored[^1];
        Assert.StartsWith($"{stored.Count - 1:D6}", arena.Decode(last));
    }

    [Fact]
    public void Release_LastLineOfAnEarlierBlockAfterItFilled_DropsIt()
    {
        var arena = new LineArena();
        var first = arena.Append("early");
        arena.Append(new string('b', LineArena.BlockSize));

        arena.Release(first);

        Assert.Equal(1, arena.Blocks);
    }
}
