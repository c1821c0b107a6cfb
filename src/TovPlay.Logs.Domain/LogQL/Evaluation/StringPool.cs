using System.Numerics;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>
/// Shares the strings that repeat line after line (field names, levels, methods, status codes) so parsing a line
/// does not allocate them again. A direct-mapped cache: a text's slot is its hash, a different text in the slot is
/// replaced. Bounded in slots and in string length, so high-cardinality values (ids) cost an allocation each and
/// nothing more; a cheap hash of the characters, since a lookup runs for every field of every line.
/// One per pipeline stage; not thread-safe.
/// </summary>
internal sealed class StringPool
{
    private readonly string?[] _slots;
    private readonly int _maxLength;

    public StringPool(int slots, int maxLength)
    {
        _slots = new string?[BitOperations.RoundUpToPowerOf2((uint)slots)];
        _maxLength = maxLength;
    }

    public string Get(ReadOnlySpan<char> text)
    {
        if (text.Length > _maxLength)
        {
            return text.ToString();
        }

        // FNV-1a over the characters.
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        ref var slot = ref _slots[hash & (uint)(_slots.Length - 1)];
        if (slot is { } shared && text.SequenceEqual(shared))
        {
            return shared;
        }

        return slot = text.ToString();
    }

    /// <summary>
    /// The same for UTF-8 text. An ASCII text hashes as its characters do, so both lookups share the slots; a text
    /// with other characters never matches a slot and is decoded each time.
    /// </summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > _maxLength)
        {
            return System.Text.Encoding.UTF8.GetString(utf8);
        }

        var hash = 2166136261u;
        foreach (var b in utf8)
        {
            hash = (hash ^ b) * 16777619u;
        }

        ref var slot = ref _slots[hash & (uint)(_slots.Length - 1)];
        if (slot is { } shared && System.Text.Ascii.Equals(utf8, shared))
        {
            return shared;
        }

        return slot = System.Text.Encoding.UTF8.GetString(utf8);
    }
}
