using System.Buffers;

namespace TovPlay.Logs.Web.LokiApi;

/// <summary>
/// Bytes in an array rented from the shared pool, returned on dispose. Push bodies live only while they are decoded,
/// and at hundreds of pushes a second fresh arrays for them would be most of what the garbage collector has to clear.
/// </summary>
internal sealed class PooledBytes : IDisposable
{
    private byte[] _array;

    private PooledBytes(int capacity)
    {
        _array = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));
    }

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _array.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Length);

    /// <summary>A buffer of exactly <paramref name="length"/> bytes for the caller to fill through <see cref="Writable"/>.</summary>
    public static PooledBytes Rent(int length) => new(length) { Length = length };

    public Span<byte> Writable => _array.AsSpan(0, Length);

    /// <summary>A read-only stream over the bytes, valid until dispose.</summary>
    public Stream AsStream() => new MemoryStream(_array, 0, Length, writable: false);

    /// <summary>
    /// Reads the whole stream, failing with <see cref="PushTooLargeException"/> past <paramref name="maxBytes"/>.
    /// <paramref name="expectedLength"/> (a Content-Length) sizes the buffer once; it is a hint, not trusted.
    /// </summary>
    public static async Task<PooledBytes> ReadAsync(Stream stream, long? expectedLength, int maxBytes, CancellationToken cancellationToken)
    {
        if (expectedLength > maxBytes)
        {
            throw TooLarge(expectedLength.Value, maxBytes);
        }

        var bytes = new PooledBytes(expectedLength is { } known ? (int)known + 1 : 16 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(bytes._array.AsMemory(bytes.Length), cancellationToken)) > 0)
            {
                bytes.Length += read;
                if (bytes.Length > maxBytes)
                {
                    throw TooLarge(bytes.Length, maxBytes);
                }

                if (bytes.Length == bytes._array.Length)
                {
                    bytes.Grow();
                }
            }

            return bytes;
        }
        catch
        {
            bytes.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = [];
        }
    }

    private void Grow()
    {
        var larger = ArrayPool<byte>.Shared.Rent(_array.Length * 2);
        _array.AsSpan(0, Length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = larger;
    }

    private static PushTooLargeException TooLarge(long length, int maxBytes) =>
        new($"message size too large than max ({length} vs {maxBytes})");
}
