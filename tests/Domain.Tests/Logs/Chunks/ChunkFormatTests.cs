using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Chunks;

namespace TovPlay.Logs.Domain.Tests.Logs.Chunks;

public sealed class ChunkFormatTests
{
    private static readonly LogEntry[] s_entries =
    [
        new(1_700_000_000_000_000_300, "{\"level\":\"error\",\"msg\":\"third\"}"),
        new(1_700_000_000_000_000_100, "first line", LabelSet.From(("trace_id", "abc"), ("user", "dana"))),
        new(1_700_000_000_000_000_200, ""),
        new(1_700_000_000_000_000_100, "same time, came second: ünïcödé ✓ 🎮"),
        new(1_700_000_000_900_000_000, new string('x', 70_000)),
    ];

    [Fact]
    public void LinesHandedOutAsUtf8_StayValidAfterTheChunkIsDisposed_AndThePoolIsUsedAgain()
    {
        using var builder = new ChunkBuilder();
        foreach (var entry in s_entries)
        {
            builder.Add(entry);
        }

        var chunk = builder.Build(ChunkCodec.Zstd);
        List<Utf8Entry> handedOut;
        using (var opened = OpenedChunk.Open(chunk.Codec, chunk.Timestamps, chunk.Entries, handsOutLines: true))
        {
            handedOut = [.. Enumerable.Range(0, opened.Count).Select(opened.Utf8Entry)];
        }

        // The pool's buffers of every size scribbled over: a line left over a buffer given back to it would change.
        for (var size = 1 << 10; size <= 1 << 20; size <<= 1)
        {
            var scribble = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
            scribble.AsSpan().Fill(0xFF);
            System.Buffers.ArrayPool<byte>.Shared.Return(scribble);
        }

        Assert.Equal(
            [s_entries[1], s_entries[3], s_entries[2], s_entries[0], s_entries[4]],
            handedOut.Select(e => new LogEntry(e.TimestampNs, System.Text.Encoding.UTF8.GetString(e.Line.Span), e.Metadata)));
        using var pooled = OpenedChunk.Open(chunk.Codec, chunk.Timestamps, chunk.Entries);
        Assert.Throws<InvalidOperationException>(() => pooled.Utf8Entry(0));
    }

    [Theory]
    [InlineData(ChunkCodec.None)]
    [InlineData(ChunkCodec.Lz4)]
    [InlineData(ChunkCodec.Zstd)]
    public void EntriesInAnyOrder_ComeBackByTime_EqualTimesInTheOrderTheyCame_WithTheirMetadata(ChunkCodec codec)
    {
        using var builder = new ChunkBuilder();
        foreach (var entry in s_entries)
        {
            builder.Add(entry);
        }

        var chunk = builder.Build(codec);

        Assert.Equal((1_700_000_000_000_000_100, 1_700_000_000_900_000_000, 5), (chunk.MinTs, chunk.MaxTs, chunk.Count));
        Assert.Equal(s_entries.Sum(e => (long)System.Text.Encoding.UTF8.GetByteCount(e.Line)), chunk.LineBytes);
        using var opened = OpenedChunk.Open(chunk.Codec, chunk.Timestamps, chunk.Entries);
        var read = Enumerable.Range(0, opened.Count).Select(opened.Entry).ToList();
        Assert.Equal([s_entries[1], s_entries[3], s_entries[2], s_entries[0], s_entries[4]], read);
        Assert.Equal("dana", read[0].Metadata!["user"]);
        Assert.Null(read[1].Metadata);
        Assert.Equal(read.Select(e => e.TimestampNs), OpenedChunk.ReadTimestamps(chunk.Codec, chunk.Timestamps));
        Assert.Equal(0, builder.Count);
    }

    [Fact]
    public void Zstd_StoresRepetitiveLogLinesInAFractionOfTheirSize()
    {
        using var builder = new ChunkBuilder();
        for (var i = 0; i < 2000; i++)
        {
            builder.Add(new LogEntry(1_700_000_000_000_000_000 + (i * 1_000_000L), $"{{\"level\":\"info\",\"msg\":\"GET /api/games 200\",\"user_id\":{i % 50},\"duration_ms\":{i % 97}}}"));
        }

        var lineBytes = builder.LineBytes;
        var chunk = builder.Build(ChunkCodec.Zstd);

        Assert.InRange(chunk.StoredBytes, 1, lineBytes / 8);
    }

    [Theory]
    [InlineData(ChunkCodec.Lz4)]
    [InlineData(ChunkCodec.Zstd)]
    public void ADamagedChunk_IsAnError_NotACrashOrAHugeAllocation(ChunkCodec codec)
    {
        using var builder = new ChunkBuilder();
        foreach (var entry in s_entries)
        {
            builder.Add(entry);
        }

        var chunk = builder.Build(codec);

        Assert.ThrowsAny<Exception>(() => OpenedChunk.Open(codec, chunk.Timestamps, chunk.Entries[..(chunk.Entries.Length / 2)]).Dispose());
        var lies = (byte[])chunk.Entries.Clone();
        lies[0] = 0xFF;
        lies[1] = 0xFF;
        lies[2] = 0xFF;
        lies[3] = 0x7F;
        var error = Assert.Throws<InvalidDataException>(() => OpenedChunk.Open(codec, chunk.Timestamps, lies).Dispose());
        Assert.Contains("more than the", error.Message);
        Assert.Throws<InvalidDataException>(() => OpenedChunk.ReadTimestamps(codec, [0x05, 1, 2]));
    }

    [Fact]
    public void UncompressedSectionsThatLieAboutTheirLengths_AreRefused()
    {
        using var builder = new ChunkBuilder();
        builder.Add(new LogEntry(10, "hello"));
        var chunk = builder.Build(ChunkCodec.None);
        var entries = (byte[])chunk.Entries.Clone();

        // Raw section: [raw length], then the columns [line lengths][metadata counts]["hello"]; the line claims 100 bytes.
        entries[1] = 100;

        Assert.Throws<InvalidDataException>(() => OpenedChunk.Open(ChunkCodec.None, chunk.Timestamps, entries).Dispose());
    }

    [Fact]
    public void LineLengthsThatDoNotAddUpToTheLines_AreRefused()
    {
        using var builder = new ChunkBuilder();
        builder.Add(new LogEntry(10, "hello"));
        builder.Add(new LogEntry(20, "world!"));
        var chunk = builder.Build(ChunkCodec.None);
        var entries = (byte[])chunk.Entries.Clone();

        // [raw length][5][6][0][0]["hello" "world!"]: the second line claims 4 bytes, leaving 2 of the lines unclaimed.
        Assert.Equal(6, entries[2]);
        entries[2] = 4;

        var error = Assert.Throws<InvalidDataException>(() => OpenedChunk.Open(ChunkCodec.None, chunk.Timestamps, entries).Dispose());
        Assert.Contains("add up to 9 bytes where it holds 11", error.Message);
    }
}
