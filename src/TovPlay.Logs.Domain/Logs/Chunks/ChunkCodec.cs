using K4os.Compression.LZ4;
using ZstdSharp;

namespace TovPlay.Logs.Domain.Logs.Chunks;

/// <summary>How a chunk's sections are compressed; stored with each chunk, so a store can hold chunks of several.</summary>
public enum ChunkCodec : short
{
    None = 0,
    Lz4 = 1,
    Zstd = 2,
}

/// <summary>
/// Compresses a section and restores it. A compressed section starts with its raw length (a varint), so the reader
/// sizes its buffer once and a damaged section cannot make it allocate more than <see cref="MaxRawBytes"/>.
/// </summary>
public static class ChunkCompression
{
    /// <summary>No section is larger than this raw: chunks are cut far below it.</summary>
    public const int MaxRawBytes = 64 * 1024 * 1024;

    [ThreadStatic]
    private static Dictionary<int, Compressor>? t_compressors;

    [ThreadStatic]
    private static Decompressor? t_decompressor;

    /// <param name="level">zstd's level (LZ4 has one speed here): low where a client waits, higher where nobody does.</param>
    internal static byte[] Compress(ChunkCodec codec, ReadOnlySpan<byte> raw, int level)
    {
        using var output = new ByteBuffer(raw.Length / 2 + 64);
        Varint.Write(output, (ulong)raw.Length);
        switch (codec)
        {
            case ChunkCodec.None:
                output.Write(raw);
                break;
            case ChunkCodec.Lz4:
                {
                    var target = output.Reserve(LZ4Codec.MaximumOutputSize(raw.Length));
                    output.Advance(LZ4Codec.Encode(raw, target, LZ4Level.L00_FAST));
                    break;
                }

            case ChunkCodec.Zstd:
                {
                    var target = output.Reserve(Compressor.GetCompressBound(raw.Length));
                    t_compressors ??= [];
                    if (!t_compressors.TryGetValue(level, out var compressor))
                    {
                        t_compressors[level] = compressor = new Compressor(level);
                    }

                    output.Advance(compressor.Wrap(raw, target));
                    break;
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(codec), codec, "unknown chunk codec");
        }

        return output.Written.ToArray();
    }

    /// <summary>The raw length a compressed section announces.</summary>
    public static int RawLength(ReadOnlySpan<byte> compressed)
    {
        var position = 0;
        var length = Varint.Read(compressed, ref position);
        if (length > MaxRawBytes)
        {
            throw new InvalidDataException($"chunk section claims {length} bytes, more than the {MaxRawBytes} any chunk holds");
        }

        return (int)length;
    }

    /// <summary>Restores a section into <paramref name="destination"/>, which holds at least <see cref="RawLength"/> bytes.</summary>
    public static void Decompress(ChunkCodec codec, ReadOnlySpan<byte> compressed, Span<byte> destination)
    {
        var position = 0;
        var length = (int)Varint.Read(compressed, ref position);
        var body = compressed[position..];
        var target = destination[..length];
        int written;
        try
        {
            written = codec switch
            {
                ChunkCodec.None => Copy(body, target),
                ChunkCodec.Lz4 => LZ4Codec.Decode(body, target),
                ChunkCodec.Zstd => (t_decompressor ??= new Decompressor()).Unwrap(body, target),
                _ => throw new InvalidDataException($"unknown chunk codec {(short)codec}"),
            };
        }
        catch (ZstdException damaged)
        {
            throw new InvalidDataException($"chunk section cannot be restored: {damaged.Message}", damaged);
        }

        if (written != length)
        {
            throw new InvalidDataException($"chunk section restored to {written} bytes, {length} expected");
        }
    }

    private static int Copy(ReadOnlySpan<byte> from, Span<byte> to)
    {
        if (from.Length != to.Length)
        {
            return from.Length;
        }

        from.CopyTo(to);
        return from.Length;
    }
}
