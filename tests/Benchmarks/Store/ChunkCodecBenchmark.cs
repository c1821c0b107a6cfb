using System.Diagnostics;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Chunks;
using TovPlay.Logs.Domain.Logs.Samples;

namespace TovPlay.Logs.Benchmarks.Store;

/// <summary>
/// The chunk codecs side by side on the store benchmark's lines, in memory: bytes per line and encode/decode speed per
/// codec and chunk size. Chooses the store's codec and chunk size (the figures go in docs/LogStore.md).
/// </summary>
public static class ChunkCodecBenchmark
{
    public static void Run()
    {
        var lines = SampleDataSet.Generate(new SampleDataOptions
        {
            Start = DateTimeOffset.UtcNow.AddHours(-1),
            Duration = TimeSpan.FromMinutes(57),
            BackendLines = 100_000,
            LeanBackendLines = true,
        }).Where(s => s.Labels["job"] == "tovplay-backend").SelectMany(s => s.Entries).OrderBy(e => e.TimestampNs).ToList();
        var rawBytes = lines.Sum(l => (long)System.Text.Encoding.UTF8.GetByteCount(l.Line));
        Console.WriteLine();
        Console.WriteLine($"Chunk codecs on {lines.Count:N0} lines ({rawBytes / lines.Count} bytes on average), one stream, in memory");
        Console.WriteLine($"{"codec",-8} {"chunk KB",9} {"bytes/line",11} {"ratio",6} {"encode MB/s",12} {"decode MB/s",12} {"timestamps MB/s",16}");
        foreach (var (codec, level) in new[] { (ChunkCodec.Lz4, 0), (ChunkCodec.Zstd, 1), (ChunkCodec.Zstd, 3), (ChunkCodec.Zstd, 6), (ChunkCodec.Zstd, 9) })
        {
            foreach (var chunkKb in new[] { 64, 256, 1024 })
            {
                Measure(lines, rawBytes, codec, level, chunkKb * 1024);
            }
        }
    }

    private static void Measure(List<LogEntry> lines, long rawBytes, ChunkCodec codec, int level, int chunkBytes)
    {
        List<EncodedChunk> chunks = [];
        var encode = double.MaxValue;
        var decode = double.MaxValue;
        var timestamps = double.MaxValue;
        for (var round = 0; round < 4; round++)
        {
            var clock = Stopwatch.StartNew();
            chunks = Encode(lines, codec, level, chunkBytes);
            encode = Math.Min(encode, clock.Elapsed.TotalSeconds);

            clock.Restart();
            long seen = 0;
            foreach (var chunk in chunks)
            {
                using var opened = OpenedChunk.Open(chunk.Codec, chunk.Timestamps, chunk.Entries);
                for (var i = 0; i < opened.Count; i++)
                {
                    seen += opened.Line(i).Length;
                }
            }

            decode = Math.Min(decode, clock.Elapsed.TotalSeconds);
            if (seen != rawBytes)
            {
                throw new InvalidOperationException($"decoded {seen} bytes of {rawBytes}");
            }

            clock.Restart();
            foreach (var chunk in chunks)
            {
                OpenedChunk.ReadTimestamps(chunk.Codec, chunk.Timestamps);
            }

            timestamps = Math.Min(timestamps, clock.Elapsed.TotalSeconds);
        }

        var stored = chunks.Sum(c => c.StoredBytes);
        Console.WriteLine($"{(codec == ChunkCodec.Zstd ? $"zstd {level}" : "lz4"),-8} {chunkBytes / 1024,9} {(double)stored / lines.Count,11:0.0} {(double)rawBytes / stored,6:0.0} {rawBytes / encode / 1e6,12:N0} {rawBytes / decode / 1e6,12:N0} {rawBytes / timestamps / 1e6,16:N0}");
    }

    private static List<EncodedChunk> Encode(List<LogEntry> lines, ChunkCodec codec, int level, int chunkBytes)
    {
        var chunks = new List<EncodedChunk>();
        using var builder = new ChunkBuilder();
        foreach (var line in lines)
        {
            builder.Add(line);
            if (builder.LineBytes >= chunkBytes)
            {
                chunks.Add(builder.Build(codec, level));
            }
        }

        if (builder.Count > 0)
        {
            chunks.Add(builder.Build(codec, level));
        }

        return chunks;
    }
}
