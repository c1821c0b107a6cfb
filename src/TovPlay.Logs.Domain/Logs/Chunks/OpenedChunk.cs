using System.Buffers;
using System.Text;

namespace TovPlay.Logs.Domain.Logs.Chunks;

/// <summary>
/// A chunk restored for reading: timestamps as numbers, lines as UTF-8 spans over one buffer, so a filter can test a
/// line before anyone pays for a string of it. The buffer is pooled, and given back on Dispose, unless the chunk is
/// opened to hand its lines out as <see cref="Utf8Entry"/>s, which outlive it.
/// </summary>
public sealed class OpenedChunk : IDisposable
{
    private readonly long[] _timestamps;
    private byte[] _entries;
    private readonly bool _pooled;
    private readonly int[] _lineStart;
    private readonly int[] _lineLength;
    private readonly int[] _metadataStart;

    private OpenedChunk(long[] timestamps, byte[] entries, bool pooled, int[] lineStart, int[] lineLength, int[] metadataStart)
    {
        _timestamps = timestamps;
        _entries = entries;
        _pooled = pooled;
        _lineStart = lineStart;
        _lineLength = lineLength;
        _metadataStart = metadataStart;
    }

    public int Count => _timestamps.Length;

    public long Timestamp(int index) => _timestamps[index];

    public ReadOnlySpan<byte> Line(int index) => _entries.AsSpan(_lineStart[index], _lineLength[index]);

    public string LineText(int index) => Encoding.UTF8.GetString(Line(index));

    public LabelSet? Metadata(int index)
    {
        var data = _entries.AsSpan(0, _lineStart[0]);
        var position = _metadataStart[index];
        var pairs = (int)Varint.Read(data, ref position);
        if (pairs == 0)
        {
            return null;
        }

        var list = new List<KeyValuePair<string, string>>(pairs);
        for (var i = 0; i < pairs; i++)
        {
            var name = ReadString(data, ref position);
            list.Add(new(name, ReadString(data, ref position)));
        }

        return LabelSet.From(list);
    }

    public LogEntry Entry(int index) => new(_timestamps[index], LineText(index), Metadata(index));

    /// <summary>The entry with its line left as UTF-8 over this chunk's buffer: only for a chunk opened with <c>handsOutLines</c>.</summary>
    public Utf8Entry Utf8Entry(int index) => _pooled
        ? throw new InvalidOperationException("a pooled chunk's lines do not outlive it: open it with handsOutLines")
        : new(_timestamps[index], _entries.AsMemory(_lineStart[index], _lineLength[index]), Metadata(index));

    /// <summary>Only the timestamps: what counting needs, without restoring a single line.</summary>
    public static long[] ReadTimestamps(ChunkCodec codec, ReadOnlySpan<byte> compressed)
    {
        var length = ChunkCompression.RawLength(compressed);
        var raw = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            ChunkCompression.Decompress(codec, compressed, raw);
            var data = raw.AsSpan(0, length);
            var position = 0;
            var count = Varint.Read(data, ref position);
            if (count > (ulong)length)
            {
                throw new InvalidDataException("chunk claims more timestamps than it has bytes");
            }

            var timestamps = new long[count];
            if (count > 0)
            {
                var ts = ChunkBuilder.UnZigZag(Varint.Read(data, ref position));
                timestamps[0] = ts;
                for (var i = 1; i < timestamps.Length; i++)
                {
                    ts += (long)Varint.Read(data, ref position);
                    timestamps[i] = ts;
                }
            }

            return timestamps;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    /// <param name="handsOutLines">
    /// The buffer is the collector's, not the pool's: <see cref="Utf8Entry"/>'s lines stay valid after Dispose, for a
    /// reader that holds them longer (batches extracted on other threads).
    /// </param>
    public static OpenedChunk Open(ChunkCodec codec, ReadOnlySpan<byte> timestamps, ReadOnlySpan<byte> entries, bool handsOutLines = false)
    {
        var times = ReadTimestamps(codec, timestamps);
        var length = ChunkCompression.RawLength(entries);
        var raw = handsOutLines ? GC.AllocateUninitializedArray<byte>(Math.Max(length, 1)) : ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            ChunkCompression.Decompress(codec, entries, raw);
            var data = raw.AsSpan(0, length);
            var lineStart = new int[times.Length];
            var lineLength = new int[times.Length];
            var metadataStart = new int[times.Length];

            // Three columns (see ChunkBuilder): the lines' lengths, the entries' metadata, the lines.
            var position = 0;
            long total = 0;
            for (var i = 0; i < times.Length; i++)
            {
                lineLength[i] = Varint.ReadLength(data, ref position);
                total += lineLength[i];
            }

            for (var i = 0; i < times.Length; i++)
            {
                metadataStart[i] = position;
                var pairs = Varint.ReadLength(data, ref position);
                for (var p = 0; p < pairs * 2L; p++)
                {
                    var skip = Varint.ReadLength(data, ref position);
                    position += skip;
                }
            }

            if (total != length - position)
            {
                throw new InvalidDataException($"chunk's lines add up to {total} bytes where it holds {length - position}");
            }

            for (var i = 0; i < times.Length; i++)
            {
                lineStart[i] = position;
                position += lineLength[i];
            }

            return new OpenedChunk(times, raw, !handsOutLines, lineStart, lineLength, metadataStart);
        }
        catch
        {
            if (!handsOutLines)
            {
                ArrayPool<byte>.Shared.Return(raw);
            }

            throw;
        }
    }

    private static string ReadString(ReadOnlySpan<byte> data, ref int position)
    {
        var length = Varint.ReadLength(data, ref position);
        var text = Encoding.UTF8.GetString(data.Slice(position, length));
        position += length;
        return text;
    }

    public void Dispose()
    {
        if (_pooled && _entries.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_entries);
            _entries = [];
        }
    }
}
