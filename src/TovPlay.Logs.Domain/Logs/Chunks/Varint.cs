namespace TovPlay.Logs.Domain.Logs.Chunks;

/// <summary>Unsigned LEB128 integers, as protobuf writes them: small numbers (time deltas, lengths) take one or two bytes.</summary>
internal static class Varint
{
    public static void Write(ByteBuffer buffer, ulong value)
    {
        var span = buffer.Reserve(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        buffer.Advance(n);
    }

    /// <summary>Reads one value at <paramref name="position"/> and moves past it; a malformed or cut value is an error.</summary>
    public static ulong Read(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if ((uint)position >= (uint)data.Length)
            {
                throw new InvalidDataException("chunk ends inside a number");
            }

            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("chunk holds a number longer than 64 bits");
    }

    /// <summary>A length or count read and checked against what remains, so a damaged chunk cannot ask for more.</summary>
    public static int ReadLength(ReadOnlySpan<byte> data, ref int position)
    {
        var value = Read(data, ref position);
        if (value > (ulong)(data.Length - position))
        {
            throw new InvalidDataException("chunk names a length past its end");
        }

        return (int)value;
    }
}
