using System.Text;

namespace TovPlay.Logs.Domain.Logs.Chunks;

/// <summary>
/// Gathers one stream's entries into a chunk. Entries may come in any order; the chunk holds them by time, entries of
/// the same time in the order they came. Two sections, compressed apart: the timestamps (the first one, then deltas),
/// which counting reads alone, and the entries, in three columns: every line's length, then every entry's structured
/// metadata, then the lines' UTF-8 bytes one after another. Lines kept apart from the numbers between them compress
/// about a byte per line better: the compressor's matches run across line ends.
/// </summary>
public sealed class ChunkBuilder : IDisposable
{
    private readonly ByteBuffer _records = new(64 * 1024);
    private readonly ByteBuffer _columns = new(64 * 1024);
    private readonly List<(long Ts, int Offset, int Length)> _index = [];
    private bool _sorted = true;

    public int Count => _index.Count;

    /// <summary>Bytes of lines added (UTF-8): what chunks are cut by.</summary>
    public long LineBytes { get; private set; }

    public long MinTs { get; private set; } = long.MaxValue;

    public long MaxTs { get; private set; } = long.MinValue;

    public void Add(LogEntry entry)
    {
        var length = Encoding.UTF8.GetByteCount(entry.Line);
        var start = _records.Length;
        Varint.Write(_records, (ulong)length);
        WriteMetadata(entry.Metadata);
        var span = _records.Reserve(length);
        Encoding.UTF8.GetBytes(entry.Line, span);
        _records.Advance(length);
        Record(entry.TimestampNs, start, length);
    }

    /// <summary>Adds an entry whose line is already UTF-8 (a chunk being merged into another).</summary>
    public void Add(long timestampNs, ReadOnlySpan<byte> line, LabelSet? metadata)
    {
        var start = _records.Length;
        Varint.Write(_records, (ulong)line.Length);
        WriteMetadata(metadata);
        _records.Write(line);
        Record(timestampNs, start, line.Length);
    }

    private void WriteMetadata(LabelSet? metadata)
    {
        var pairs = metadata?.Pairs ?? [];
        Varint.Write(_records, (ulong)pairs.Count);
        foreach (var (name, value) in pairs)
        {
            WriteString(name);
            WriteString(value);
        }
    }

    private void WriteString(string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        Varint.Write(_records, (ulong)length);
        Encoding.UTF8.GetBytes(text, _records.Reserve(length));
        _records.Advance(length);
    }

    private void Record(long ts, int start, int lineLength)
    {
        if (_index.Count > 0 && ts < _index[^1].Ts)
        {
            _sorted = false;
        }

        _index.Add((ts, start, _records.Length - start));
        LineBytes += lineLength;
        MinTs = Math.Min(MinTs, ts);
        MaxTs = Math.Max(MaxTs, ts);
    }

    /// <summary>The chunk of everything added so far; the builder is empty again afterwards.</summary>
    public EncodedChunk Build(ChunkCodec codec, int level = 1)
    {
        if (_index.Count == 0)
        {
            throw new InvalidOperationException("an empty chunk is never written");
        }

        if (!_sorted)
        {
            // Stable: entries of one timestamp keep the order they came in, as Loki returns them.
            var ordered = _index.OrderBy(e => e.Ts).ToList();
            _index.Clear();
            _index.AddRange(ordered);
        }

        using var timestamps = new ByteBuffer(_index.Count * 3 + 16);
        Varint.Write(timestamps, (ulong)_index.Count);
        Varint.Write(timestamps, ZigZag(_index[0].Ts));
        for (var i = 1; i < _index.Count; i++)
        {
            Varint.Write(timestamps, (ulong)(_index[i].Ts - _index[i - 1].Ts));
        }

        var entries = ChunkCompression.Compress(codec, Columns().Written, level);
        var chunk = new EncodedChunk(MinTs, MaxTs, _index.Count, LineBytes, codec, ChunkCompression.Compress(codec, timestamps.Written, level), entries);
        Clear();
        return chunk;
    }

    /// <summary>
    /// The entries in time order as the section's three columns. Each record was written as
    /// [line length][metadata][line], so its parts are found again from the length and the record's size.
    /// </summary>
    private ByteBuffer Columns()
    {
        _columns.Clear();
        using var metadata = new ByteBuffer(_index.Count + 16);
        using var lines = new ByteBuffer(_records.Length);
        foreach (var (_, offset, length) in _index)
        {
            var record = _records.Written.Slice(offset, length);
            var position = 0;
            var lineLength = (int)Varint.Read(record, ref position);
            Varint.Write(_columns, (ulong)lineLength);
            metadata.Write(record[position..^lineLength]);
            lines.Write(record[^lineLength..]);
        }

        _columns.Write(metadata.Written);
        _columns.Write(lines.Written);
        return _columns;
    }

    public void Clear()
    {
        _records.Clear();
        _index.Clear();
        _sorted = true;
        LineBytes = 0;
        MinTs = long.MaxValue;
        MaxTs = long.MinValue;
    }

    public void Dispose()
    {
        _records.Dispose();
        _columns.Dispose();
    }

    internal static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    internal static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
