using System.Buffers;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary>
/// The <c>json</c> stage's reader over a line's UTF-8 bytes, as the store keeps them: a metric query over a hundred
/// thousand lines then neither decodes each line to a string nor walks twice the bytes. It reads what ordinary log
/// lines hold (plain keys, values without escapes where they are wanted) and gives up on anything else (an escape in a
/// wanted value, a key with non-ASCII characters, any malformed text): the caller then decodes the line and runs
/// <see cref="JsonFlattener"/>, whose results and error texts stay the only definition of the stage. Where both read a
/// line, they emit the same pairs in the same order. One instance per pipeline stage; not thread-safe.
/// </summary>
internal sealed class Utf8JsonFlattener
{
    private static readonly SearchValues<byte> s_stringEnds = SearchValues.Create("\"\\"u8);

    // A key ends at its quote; a backslash or a non-ASCII byte sends the line to the text reader.
    private static readonly SearchValues<byte> s_keyStops = SearchValues.Create([(byte)'"', (byte)'\\', .. Enumerable.Range(0x80, 0x80).Select(b => (byte)b)]);

    private readonly StringPool _names = new(slots: 8192, maxLength: 256);
    private readonly StringPool _values = new(slots: 4096, maxLength: 24);
    private readonly string[]? _wanted;
    private readonly byte[][] _wantedUtf8;
    private readonly List<(string Name, string Value)> _found = [];
    private char[] _name = new char[128];
    private int _nameLength;
    private int _depth;

    /// <param name="wanted">Emit only these flattened names; null emits everything.</param>
    public Utf8JsonFlattener(string[]? wanted = null)
    {
        _wanted = wanted;
        _wantedUtf8 = wanted?.Select(System.Text.Encoding.UTF8.GetBytes).ToArray() ?? [];
    }

    /// <summary>
    /// Calls <paramref name="emit"/> for each scalar and returns true; or returns false, having emitted nothing, when
    /// the line needs <see cref="JsonFlattener"/>.
    /// </summary>
    public bool TryFlatten(ReadOnlySpan<byte> line, Action<string, string> emit)
    {
        _found.Clear();
        _nameLength = 0;
        _depth = 0;
        var i = SkipWhitespace(line, 0);
        if (i >= line.Length || line[i] != '{' || !TryReadObject(line, ref i))
        {
            return false;
        }

        if (SkipWhitespace(line, i) != line.Length)
        {
            return false;
        }

        foreach (var (name, value) in _found)
        {
            emit(name, value);
        }

        return true;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> s, int i)
    {
        while (i < s.Length && s[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return i;
    }

    /// <summary>Reads the object at <paramref name="i"/> (its opening brace); false where the text reader must decide.</summary>
    private bool TryReadObject(ReadOnlySpan<byte> s, ref int i)
    {
        if (++_depth > JsonFlattener.MaxDepth)
        {
            return false;
        }

        i = SkipWhitespace(s, i + 1);
        if (i < s.Length && s[i] == '}')
        {
            i++;
            _depth--;
            return true;
        }

        var outer = _nameLength;
        while (true)
        {
            i = SkipWhitespace(s, i);
            if (i >= s.Length || s[i] != '"')
            {
                return false;
            }

            var keyStart = i + 1;
            var keyLength = s[keyStart..].IndexOfAny(s_keyStops);
            if (keyLength < 0 || s[keyStart + keyLength] != '"')
            {
                return false;
            }

            i = SkipWhitespace(s, keyStart + keyLength + 1);
            if (i >= s.Length || s[i] != ':' || !TryReadValue(s, ref i, s.Slice(keyStart, keyLength), outer))
            {
                return false;
            }

            _nameLength = outer;
            i = SkipWhitespace(s, i);
            if (i >= s.Length)
            {
                return false;
            }

            var c = s[i++];
            if (c == '}')
            {
                _depth--;
                return true;
            }

            if (c != ',')
            {
                return false;
            }
        }
    }

    /// <summary>Sets the flattened name to the enclosing object's, then the key sanitised as the text reader does.</summary>
    private void AppendName(ReadOnlySpan<byte> key, int outer)
    {
        _nameLength = outer;
        if (outer > 0)
        {
            Append('_');
        }

        var keyStart = _nameLength;
        foreach (var b in key)
        {
            var c = (char)b;
            if (_nameLength == keyStart && char.IsAsciiDigit(c))
            {
                Append('_');
            }

            Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }
    }

    private void Append(char c)
    {
        if (_nameLength == _name.Length)
        {
            Array.Resize(ref _name, _name.Length * 2);
        }

        _name[_nameLength++] = c;
    }

    /// <summary>The flattened name of a scalar under <paramref name="key"/> when it is wanted, else null (as <see cref="JsonFlattener"/> decides it).</summary>
    private string? WantedName(ReadOnlySpan<byte> key, int outer)
    {
        if (_wanted is not null && outer == 0)
        {
            // A top-level key is its own name once sanitised: compared as bytes, without building the name. Only a
            // wanted name of the key's length (one more with a leading digit) can match.
            for (var w = 0; w < _wantedUtf8.Length; w++)
            {
                var wanted = _wantedUtf8[w];
                if ((wanted.Length == key.Length || wanted.Length == key.Length + 1) && (key.SequenceEqual(wanted) || SanitisesTo(key, wanted)))
                {
                    return _wanted[w];
                }
            }

            return null;
        }

        AppendName(key, outer);
        var name = _name.AsSpan(0, _nameLength);
        if (_wanted is null)
        {
            return _names.Get(name);
        }

        foreach (var wanted in _wanted)
        {
            if (name.SequenceEqual(wanted))
            {
                return wanted;
            }
        }

        return null;
    }

    /// <summary>Whether an ASCII key sanitised (characters outside [A-Za-z0-9_] as _, a _ before a leading digit) is <paramref name="name"/>.</summary>
    private static bool SanitisesTo(ReadOnlySpan<byte> key, ReadOnlySpan<byte> name)
    {
        if (key.Length > 0 && char.IsAsciiDigit((char)key[0]))
        {
            if (name.Length != key.Length + 1 || name[0] != '_')
            {
                return false;
            }

            name = name[1..];
        }
        else if (name.Length != key.Length)
        {
            return false;
        }

        for (var k = 0; k < key.Length; k++)
        {
            var c = (char)key[k];
            if ((char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_') != name[k])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads the value after the colon at <paramref name="i"/>, of <paramref name="key"/> in an object named <paramref name="outer"/> characters long.</summary>
    private bool TryReadValue(ReadOnlySpan<byte> s, ref int i, ReadOnlySpan<byte> key, int outer)
    {
        i = SkipWhitespace(s, i + 1);
        if (i >= s.Length)
        {
            return false;
        }

        switch (s[i])
        {
            case (byte)'{':
                AppendName(key, outer);
                return TryReadObject(s, ref i);
            case (byte)'[':
                return TrySkipArray(s, ref i);
            case (byte)'"':
                var start = i + 1;
                if (WantedName(key, outer) is { } stringName)
                {
                    var length = s[start..].IndexOfAny(s_stringEnds);
                    if (length < 0 || s[start + length] != '"')
                    {
                        return false; // an escape (or no end): the text reader unescapes it
                    }

                    _found.Add((stringName, _values.Get(s.Slice(start, length))));
                    i = start + length + 1;
                    return true;
                }

                return TrySkipString(s, ref i);
            case (byte)'t':
                return TryWord(s, ref i, "true"u8) && Found(key, outer, "true");
            case (byte)'f':
                return TryWord(s, ref i, "false"u8) && Found(key, outer, "false");
            case (byte)'n':
                return TryWord(s, ref i, "null"u8);
            default:
                var first = i;
                while (i < s.Length && (char.IsAsciiDigit((char)s[i]) || s[i] is (byte)'-' or (byte)'+' or (byte)'.' or (byte)'e' or (byte)'E'))
                {
                    i++;
                }

                if (i == first)
                {
                    return false;
                }

                return Found(key, outer, s[first..i]);
        }
    }

    private static bool TryWord(ReadOnlySpan<byte> s, ref int i, ReadOnlySpan<byte> word)
    {
        if (!s[i..].StartsWith(word))
        {
            return false;
        }

        i += word.Length;
        return true;
    }

    private bool Found(ReadOnlySpan<byte> key, int outer, string value)
    {
        if (WantedName(key, outer) is { } name)
        {
            _found.Add((name, value));
        }

        return true;
    }

    private bool Found(ReadOnlySpan<byte> key, int outer, ReadOnlySpan<byte> value)
    {
        if (WantedName(key, outer) is { } name)
        {
            _found.Add((name, _values.Get(value)));
        }

        return true;
    }

    /// <summary>Skips the string at <paramref name="i"/> (its opening quote), checking its escapes as the text reader does.</summary>
    private static bool TrySkipString(ReadOnlySpan<byte> s, ref int i)
    {
        i++;
        while (true)
        {
            var next = i < s.Length ? s[i..].IndexOfAny(s_stringEnds) : -1;
            if (next < 0)
            {
                return false;
            }

            i += next;
            if (s[i] == '"')
            {
                i++;
                return true;
            }

            // A backslash: the escapes the text reader accepts, anything else is its to report.
            if (i + 1 >= s.Length)
            {
                return false;
            }

            var e = s[i + 1];
            if (e is (byte)'n' or (byte)'t' or (byte)'r' or (byte)'b' or (byte)'f' or (byte)'"' or (byte)'\\' or (byte)'/')
            {
                i += 2;
            }
            else if (e == 'u' && i + 6 <= s.Length && IsHex(s[i + 2]) && IsHex(s[i + 3]) && IsHex(s[i + 4]) && IsHex(s[i + 5]))
            {
                i += 6;
            }
            else
            {
                return false;
            }
        }
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static bool TrySkipArray(ReadOnlySpan<byte> s, ref int i)
    {
        var depth = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '"')
            {
                if (!TrySkipString(s, ref i))
                {
                    return false;
                }

                continue;
            }

            i++;
            if (c is (byte)'[' or (byte)'{')
            {
                depth++;
            }
            else if (c is (byte)']' or (byte)'}' && --depth == 0)
            {
                return true;
            }
        }

        return false;
    }
}
