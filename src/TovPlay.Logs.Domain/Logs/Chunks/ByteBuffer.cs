using System.Buffers;

namespace TovPlay.Logs.Domain.Logs.Chunks;

/// <summary>A growable byte array on the shared pool: chunks are built and compressed without a new array per step.</summary>
internal sealed class ByteBuffer(int capacity = 4096) : IDisposable
{
    private byte[] _array = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 16));

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _array.AsSpan(0, Length);

    public Span<byte> Reserve(int size)
    {
        if (Length + size > _array.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(Length + size, _array.Length * 2));
            _array.AsSpan(0, Length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_array);
            _array = larger;
        }

        return _array.AsSpan(Length, size);
    }

    public void Advance(int count) => Length += count;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        Length += bytes.Length;
    }

    public void Clear() => Length = 0;

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_array);
        _array = [];
        Length = 0;
    }
}
