namespace TovPlay.Logs.Domain.Logs.Chunks;

/// <summary>
/// Cuts a stream's entries, given in time order, into chunks: a chunk closes when it holds
/// <see cref="TargetLineBytes"/> of lines, when it would span more than <see cref="MaxSpanNs"/>, or at midnight UTC
/// (the store keeps chunks in daily partitions and retention drops whole days, so no chunk may reach into the next).
/// </summary>
public sealed class ChunkCutter(int targetLineBytes, ChunkCodec codec, int level) : IDisposable
{
    /// <summary>The longest time one chunk covers; readers look this far back for chunks reaching into a range.</summary>
    public const long MaxSpanNs = 2L * 3600 * 1_000_000_000;

    public const long NsPerDay = 86_400L * 1_000_000_000;

    private readonly ChunkBuilder _builder = new();
    private long _lastTs = long.MinValue;

    public int TargetLineBytes { get; } = targetLineBytes;

    /// <summary>The UTC day (days since the Unix epoch) an instant falls on.</summary>
    public static long DayOf(long ns) => Math.DivRem(ns, NsPerDay) is var (q, r) && r < 0 ? q - 1 : q;

    /// <summary>Adds the next entry; returns the chunk it closed, if any.</summary>
    public EncodedChunk? Add(LogEntry entry)
    {
        var closed = Close(entry.TimestampNs);
        _builder.Add(entry);
        _lastTs = entry.TimestampNs;
        return closed;
    }

    /// <summary>Adds the next entry, its line already UTF-8; returns the chunk it closed, if any.</summary>
    public EncodedChunk? Add(long timestampNs, ReadOnlySpan<byte> line, LabelSet? metadata)
    {
        var closed = Close(timestampNs);
        _builder.Add(timestampNs, line, metadata);
        _lastTs = timestampNs;
        return closed;
    }

    private EncodedChunk? Close(long timestampNs)
    {
        if (timestampNs < _lastTs)
        {
            throw new ArgumentException("entries must come in time order", nameof(timestampNs));
        }

        var full = _builder.Count > 0 && (
            _builder.LineBytes >= TargetLineBytes
            || timestampNs - _builder.MinTs > MaxSpanNs
            || DayOf(timestampNs) != DayOf(_builder.MinTs));
        return full ? _builder.Build(codec, level) : null;
    }

    /// <summary>The chunk of what is left, if anything.</summary>
    public EncodedChunk? Flush()
    {
        _lastTs = long.MinValue;
        return _builder.Count > 0 ? _builder.Build(codec, level) : null;
    }

    /// <summary>
    /// Cuts entries in any order: sorted by time first when they are not (entries of one time keep their order); in
    /// order, as a push's usually are, they are read as they are.
    /// </summary>
    public static List<EncodedChunk> Cut(IReadOnlyList<Utf8Entry> entries, int targetLineBytes, ChunkCodec codec, int level)
    {
        using var cutter = new ChunkCutter(targetLineBytes, codec, level);
        var chunks = new List<EncodedChunk>();
        foreach (var entry in EntryOrder.ByTime(entries))
        {
            if (cutter.Add(entry.TimestampNs, entry.Line.Span, entry.Metadata) is { } chunk)
            {
                chunks.Add(chunk);
            }
        }

        if (cutter.Flush() is { } last)
        {
            chunks.Add(last);
        }

        return chunks;
    }

    public void Dispose() => _builder.Dispose();
}
