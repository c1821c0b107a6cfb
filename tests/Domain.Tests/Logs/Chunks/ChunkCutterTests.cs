using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Chunks;

namespace TovPlay.Logs.Domain.Tests.Logs.Chunks;

public sealed class ChunkCutterTests
{
    private const long Second = 1_000_000_000;
    private static readonly long s_midnight = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds() * Second;

    [Fact]
    public void Chunks_CloseAtTheirSize_TheirLongestSpan_AndMidnight_AndHoldEveryEntryOnce()
    {
        var entries = new List<LogEntry>();
        // 100 lines of 100 bytes before midnight, then one 3 hours later, then one a second later.
        for (var i = 0; i < 100; i++)
        {
            entries.Add(new LogEntry(s_midnight - (200 * Second) + (i * Second), new string((char)('a' + (i % 26)), 100)));
        }

        entries.Add(new LogEntry(s_midnight + (3 * 3600 * Second), "later"));
        entries.Add(new LogEntry(s_midnight + (3 * 3600 * Second) + Second, "a second after"));

        var chunks = ChunkCutter.Cut([.. entries.AsEnumerable().Reverse().Select(Utf8Entry.Of)], targetLineBytes: 2_500, ChunkCodec.Zstd, level: 1);

        // 25 lines fill 2,500 bytes: four chunks before midnight; the two later lines share one after it.
        Assert.Equal([25, 25, 25, 25, 2], chunks.Select(c => c.Count));
        Assert.All(chunks, c => Assert.Equal(ChunkCutter.DayOf(c.MinTs), ChunkCutter.DayOf(c.MaxTs)));
        Assert.All(chunks, c => Assert.InRange(c.MaxTs - c.MinTs, 0, ChunkCutter.MaxSpanNs));
        var read = chunks.SelectMany(c =>
        {
            using var opened = OpenedChunk.Open(c.Codec, c.Timestamps, c.Entries);
            return Enumerable.Range(0, opened.Count).Select(opened.Entry).ToList();
        });
        Assert.Equal(entries, read);
    }

    [Fact]
    public void AChunkNeverSpansMoreThanTheLongestSpan()
    {
        var entries = Enumerable.Range(0, 10).Select(i => new LogEntry(s_midnight + (i * 1000 * Second), $"line {i}")).ToList();

        var chunks = ChunkCutter.Cut([.. entries.Select(Utf8Entry.Of)], targetLineBytes: 1 << 20, ChunkCodec.Lz4, level: 0);

        // 7,200 s at most: lines 0..7 (0 to 7,000 s), then 8..9.
        Assert.Equal([8, 2], chunks.Select(c => c.Count));
    }

    [Fact]
    public void EntriesOutOfOrder_AreRefusedByTheStreamingCutter()
    {
        using var cutter = new ChunkCutter(1000, ChunkCodec.Zstd, 1);
        cutter.Add(new LogEntry(20, "b"));

        Assert.Throws<ArgumentException>(() => cutter.Add(new LogEntry(10, "a")));
    }

    [Fact]
    public void DayOf_CountsDaysFromTheEpoch_ForTimesBeforeItToo()
    {
        Assert.Equal(0, ChunkCutter.DayOf(0));
        Assert.Equal(0, ChunkCutter.DayOf(ChunkCutter.NsPerDay - 1));
        Assert.Equal(1, ChunkCutter.DayOf(ChunkCutter.NsPerDay));
        Assert.Equal(-1, ChunkCutter.DayOf(-1));
    }
}
