namespace TovPlay.Logs.Domain.Logs.Push;

/// <summary>
/// The lines of one push as UTF-8, back to back in a few arrays instead of a string each: a line then costs its bytes
/// once, and the chunk builder and the head take those bytes as they are. Arrays stay under the large object heap's
/// threshold, so a push's lines are young garbage that a gen-0 collection frees; a line longer than one gets its own.
/// </summary>
public sealed class LineSlab
{
    /// <summary>Under the 85,000 bytes at which .NET puts an array on the large object heap.</summary>
    public const int ArrayBytes = 64 * 1024;

    private byte[] _current = [];
    private int _used;
    private byte[]? _pending;

    /// <summary>Room for a line of at most <paramref name="maxBytes"/>; <see cref="Commit"/> says how much it took.</summary>
    public Memory<byte> Reserve(int maxBytes)
    {
        if (maxBytes > ArrayBytes / 4)
        {
            // Long lines get an array each, so they do not leave most of a shared one unused.
            _pending = new byte[maxBytes];
            return _pending;
        }

        if (_current.Length - _used < maxBytes)
        {
            _current = new byte[ArrayBytes];
            _used = 0;
        }

        _pending = null;
        return _current.AsMemory(_used, maxBytes);
    }

    /// <summary>The line just written into the room <see cref="Reserve"/> gave, <paramref name="length"/> bytes long.</summary>
    public ReadOnlyMemory<byte> Commit(int length)
    {
        if (_pending is { } own)
        {
            _pending = null;
            return own.AsMemory(0, length);
        }

        var line = _current.AsMemory(_used, length);
        _used += length;
        return line;
    }

    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> line)
    {
        line.CopyTo(Reserve(line.Length).Span);
        return Commit(line.Length);
    }
}
