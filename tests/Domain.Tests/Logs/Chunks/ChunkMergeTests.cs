using TovPlay.Logs.Domain.Logs.Chunks;

namespace TovPlay.Logs.Domain.Tests.Logs.Chunks;

public sealed class ChunkMergeTests
{
    private sealed record Chunk(string Name, long[] Times)
    {
        public (long, long) Span => (Times.Min(), Times.Max());
    }

    private static readonly Chunk[] s_chunks =
    [
        new("a", [1, 2, 3, 10]),
        new("b", [4, 5, 6]),
        new("late", [3, 7]),
        new("c", [20, 21]),
    ];

    private static (List<string> Read, List<string> Opened) Run(bool forward, int take = int.MaxValue)
    {
        var opened = new List<string>();
        var ordered = forward ? s_chunks.OrderBy(c => c.Span.Item1) : s_chunks.OrderByDescending(c => c.Span.Item2);
        var read = ChunkMerge.Merge(
                ordered,
                c => c.Span,
                c =>
                {
                    opened.Add(c.Name);
                    return (forward ? c.Times : c.Times.Reverse()).Select(t => (c.Name, t));
                },
                e => e.t,
                forward)
            .Take(take)
            .Select(e => $"{e.Name}{e.t}")
            .ToList();
        return (read, opened);
    }

    [Fact]
    public void Forward_OverlappingChunksComeOutInTimeOrder_TiesToTheChunkOpenedFirst()
    {
        var (read, _) = Run(forward: true);

        Assert.Equal(["a1", "a2", "a3", "late3", "b4", "b5", "b6", "late7", "a10", "c20", "c21"], read);
    }

    [Fact]
    public void Backward_NewestFirst()
    {
        var (read, _) = Run(forward: false);

        Assert.Equal(["c21", "c20", "a10", "late7", "b6", "b5", "b4", "a3", "late3", "a2", "a1"], read);
    }

    [Fact]
    public void AReadThatStopsEarly_OpensOnlyTheChunksItReached()
    {
        Assert.Equal(["a"], Run(forward: true, take: 2).Opened);
        Assert.Equal(["c"], Run(forward: false, take: 2).Opened);
        Assert.Equal(["c", "a"], Run(forward: false, take: 3).Opened);
        Assert.Equal(["c", "a", "late"], Run(forward: false, take: 4).Opened);
    }
}
