using System.Text;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>Where a line sits in a <see cref="LineArena"/>.</summary>
public readonly record struct ArenaLine(int Block, int Offset, int Length);

/// <summary>
/// Lines kept as UTF-8 in large blocks instead of one string each. Hundreds of megabytes of strings that live for
/// hours cost the garbage collector on every full collection and on every promotion; a few large byte arrays cost it
/// nothing to trace, and UTF-8 takes half the room of .NET's UTF-16. A block is dropped once every line in it is
/// released; lines arrive roughly in time order and leave oldest first, so blocks empty in order too.
/// Not thread-safe: its owner locks.
/// </summary>
public sealed class LineArena
{
    public const int BlockSize = 1 << 20;

    // Numbered, not listed: lines hold their block's number, and numbers are never reused while a line could hold one.
    private readonly Dictionary<int, Block> _blocks = [];
    private Block? _current;
    private Block? _lastRead;
    private int _next;

    public int Blocks => _blocks.Count;

    public ArenaLine Append(string line)
    {
        var block = Room(Encoding.UTF8.GetByteCount(line));
        return Taken(block, Encoding.UTF8.GetBytes(line, block.Bytes.AsSpan(block.Used)));
    }

    /// <summary>Appends a line that is UTF-8 already, as a push's lines are.</summary>
    public ArenaLine Append(ReadOnlySpan<byte> line)
    {
        var block = Room(line.Length);
        line.CopyTo(block.Bytes.AsSpan(block.Used));
        return Taken(block, line.Length);
    }

    /// <summary>The current block, or a new one when the line does not fit what is left of it.</summary>
    private Block Room(int length)
    {
        if (_current is null || _current.Used + length > _current.Bytes.Length)
        {
            var previous = _current;
            _current = new Block(_next++, new byte[Math.Max(BlockSize, length)]);
            _blocks[_current.Number] = _current;
            if (previous is { Live: 0 })
            {
                _blocks.Remove(previous.Number);
            }
        }

        return _current;
    }

    private static ArenaLine Taken(Block block, int written)
    {
        var at = new ArenaLine(block.Number, block.Used, written);
        block.Used += written;
        block.Live++;
        return at;
    }

    public ReadOnlySpan<byte> Bytes(ArenaLine line) => _blocks[line.Block].Bytes.AsSpan(line.Offset, line.Length);

    /// <summary>
    /// The line's bytes as a segment of its block: still readable after the line is released, because the segment
    /// keeps the block's array alive, so a reader can decode outside its owner's lock.
    /// </summary>
    public ArraySegment<byte> Segment(ArenaLine line)
    {
        // Neighbouring lines share a block: remember the last one looked up.
        if (_lastRead?.Number != line.Block)
        {
            _lastRead = _blocks[line.Block];
        }

        return new(_lastRead.Bytes, line.Offset, line.Length);
    }

    public string Decode(ArenaLine line) => Encoding.UTF8.GetString(Bytes(line));

    /// <summary>Whether the stored line is <paramref name="text"/>, without decoding it.</summary>
    public bool Equals(ArenaLine line, string text)
    {
        var stored = Bytes(line);
        if (stored.Length != Encoding.UTF8.GetByteCount(text))
        {
            return false;
        }

        var buffer = stored.Length <= 1024 ? stackalloc byte[stored.Length] : new byte[stored.Length];
        Encoding.UTF8.GetBytes(text, buffer);
        return stored.SequenceEqual(buffer);
    }

    public void Release(ArenaLine line)
    {
        var block = _blocks[line.Block];
        if (--block.Live == 0 && block != _current)
        {
            _blocks.Remove(block.Number);
            if (_lastRead == block)
            {
                _lastRead = null;
            }
        }
    }

    private sealed class Block(int number, byte[] bytes)
    {
        public int Number { get; } = number;

        public byte[] Bytes { get; } = bytes;

        public int Used { get; set; }

        public int Live { get; set; }
    }
}
