using System.Globalization;
using System.Text;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary>
/// A small JSON reader for the <c>json</c> stage, over the line's characters without building a document:
/// nested object keys are joined with <c>_</c> (<c>{"user":{"id":1}}</c> gives <c>user_id</c>), arrays are skipped
/// as Loki skips them, and keys are made valid label names. Names are built in a reusable buffer and interned,
/// so a line costs allocations only for the values it emits; with a wanted list, only those values.
/// One instance per pipeline stage; not thread-safe.
/// </summary>
internal sealed class JsonFlattener
{
    private static readonly System.Buffers.SearchValues<char> s_labelChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    private readonly StringPool _names = new(slots: 8192, maxLength: 256);
    private readonly StringPool _values = new(slots: 4096, maxLength: 24);
    private readonly string[]? _wanted;
    private char[] _name = new char[128];
    private int _nameLength;
    private string _s = "";
    private int _i;
    private Action<string, string> _emit = (_, _) => { };

    /// <param name="wanted">Emit only these flattened names; null emits everything.</param>
    public JsonFlattener(string[]? wanted = null)
    {
        _wanted = wanted;
    }

    /// <summary>Calls <paramref name="emit"/> for each scalar; returns an error text when the line is not a JSON object.</summary>
    public string? Flatten(string line, Action<string, string> emit)
    {
        _s = line;
        _i = 0;
        _nameLength = 0;
        _emit = emit;
        try
        {
            SkipWhitespace();
            if (Peek() != '{')
            {
                return "Value looks like something other than an object";
            }

            ReadObject();
            SkipWhitespace();
            return _i == _s.Length ? null : "Unexpected text after the JSON object";
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
        finally
        {
            _s = "";
        }
    }

    private char Peek() => _i < _s.Length ? _s[_i] : '\0';

    private void SkipWhitespace()
    {
        while (_i < _s.Length && _s[_i] is ' ' or '\t' or '\r' or '\n')
        {
            _i++;
        }
    }

    private void Expect(char c)
    {
        SkipWhitespace();
        if (Peek() != c)
        {
            throw new FormatException(_i >= _s.Length ? $"Unexpected end of JSON, expecting '{c}'" : $"Expected '{c}' at offset {_i}");
        }

        _i++;
    }

    /// <summary>
    /// Objects nest no deeper than this. The reader recurses per level, and a line is anyone's to write: a line of
    /// 50,000 nested objects would end the process with a stack overflow on the first <c>| json</c> over it.
    /// </summary>
    public const int MaxDepth = 128;

    private int _depth;

    private void ReadObject()
    {
        if (++_depth > MaxDepth)
        {
            throw new FormatException($"Value nests deeper than {MaxDepth} objects at offset {_i}");
        }

        try
        {
            ReadMembers();
        }
        finally
        {
            _depth--;
        }
    }

    private void ReadMembers()
    {
        Expect('{');
        SkipWhitespace();
        if (Peek() == '}')
        {
            _i++;
            return;
        }

        var outer = _nameLength;
        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"')
            {
                throw new FormatException($"Expected a key at offset {_i}");
            }

            _nameLength = outer;
            if (outer > 0)
            {
                Append('_');
            }

            AppendKey();
            Expect(':');
            ReadValue();
            _nameLength = outer;
            SkipWhitespace();
            var c = Peek();
            _i++;
            if (c == '}')
            {
                return;
            }

            if (c != ',')
            {
                throw new FormatException(c == '\0' ? "Value looks like object, but can't find closing '}' symbol" : $"Expected ',' or '}}' at offset {_i - 1}");
            }
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

    /// <summary>Appends the key, sanitised: characters outside [A-Za-z0-9_] become _, a leading digit gets a _ first.</summary>
    private void AppendKey()
    {
        var start = _nameLength;
        var key = ReadString(forName: true);
        if (key is not null)
        {
            foreach (var c in key)
            {
                AppendKeyChar(c, start);
            }
        }
    }

    private void AppendKeyChar(char c, int keyStart)
    {
        if (_nameLength == keyStart && char.IsAsciiDigit(c))
        {
            Append('_');
        }

        Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
    }

    /// <summary>The current flattened name as a string when it is wanted (the wanted string itself: no lookup), else null.</summary>
    private string? WantedName()
    {
        if (_wanted is null)
        {
            return _names.Get(_name.AsSpan(0, _nameLength));
        }

        var name = _name.AsSpan(0, _nameLength);
        foreach (var wanted in _wanted)
        {
            if (name.SequenceEqual(wanted))
            {
                return wanted;
            }
        }

        return null;
    }

    private string Value(ReadOnlySpan<char> span) => _values.Get(span);


    private void ReadValue()
    {
        SkipWhitespace();
        var c = Peek();
        switch (c)
        {
            case '{':
                ReadObject();
                break;
            case '[':
                SkipArray();
                break;
            case '"':
                if (WantedName() is { } stringName)
                {
                    _emit(stringName, ReadString(forName: false)!);
                }
                else
                {
                    SkipString();
                }

                break;
            case 't':
                ExpectWord("true");
                Emit("true");
                break;
            case 'f':
                ExpectWord("false");
                Emit("false");
                break;
            case 'n':
                ExpectWord("null");
                break;
            default:
                var start = _i;
                while (_i < _s.Length && (char.IsAsciiDigit(_s[_i]) || _s[_i] is '-' or '+' or '.' or 'e' or 'E'))
                {
                    _i++;
                }

                if (_i == start)
                {
                    throw new FormatException($"Unexpected character '{c}' at offset {_i}");
                }

                if (WantedName() is { } numberName)
                {
                    _emit(numberName, Value(_s.AsSpan(start, _i - start)));
                }

                break;
        }
    }

    private void Emit(string value)
    {
        if (WantedName() is { } name)
        {
            _emit(name, value);
        }
    }

    private void ExpectWord(string word)
    {
        if (!_s.AsSpan(_i).StartsWith(word, StringComparison.Ordinal))
        {
            throw new FormatException($"Unexpected literal at offset {_i}");
        }

        _i += word.Length;
    }

    private void SkipArray()
    {
        var depth = 0;
        while (_i < _s.Length)
        {
            var c = _s[_i];
            if (c == '"')
            {
                SkipString();
                continue;
            }

            _i++;
            if (c is '[' or '{')
            {
                depth++;
            }
            else if (c is ']' or '}' && --depth == 0)
            {
                return;
            }
        }

        throw new FormatException("Value looks like array, but can't find closing ']' symbol");
    }

    private void SkipString()
    {
        _i++;
        while (true)
        {
            var next = _i < _s.Length ? _s.AsSpan(_i).IndexOfAny('"', '\\') : -1;
            if (next < 0)
            {
                throw new FormatException("Value looks like string, but can't find closing '\"' symbol");
            }

            _i += next;
            if (_s[_i] == '"')
            {
                _i++;
                return;
            }

            _i++;
            ReadEscape(null);
        }
    }

    /// <summary>
    /// Reads the escape after a backslash, appending its character when <paramref name="value"/> is given. Skipping and
    /// reading share it, so a line is refused with the same message whether or not its value was wanted.
    /// </summary>
    private void ReadEscape(StringBuilder? value)
    {
        if (_i >= _s.Length)
        {
            throw new FormatException("Value looks like string, but can't find closing '\"' symbol");
        }

        var e = _s[_i++];
        switch (e)
        {
            case 'n': value?.Append('\n'); break;
            case 't': value?.Append('\t'); break;
            case 'r': value?.Append('\r'); break;
            case 'b': value?.Append('\b'); break;
            case 'f': value?.Append('\f'); break;
            case 'u' when _i + 4 <= _s.Length && int.TryParse(_s.AsSpan(_i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                value?.Append((char)code);
                _i += 4;
                break;
            case '"' or '\\' or '/': value?.Append(e); break;
            default: throw new FormatException($"Invalid escape \\{e} at offset {_i - 1}");
        }
    }

    /// <summary>Reads a string; for a name, the plain text is returned only when it has escapes (else appended straight from the line).</summary>
    private string? ReadString(bool forName)
    {
        _i++; // opening quote
        var start = _i;
        var next = _s.AsSpan(_i).IndexOfAny('"', '\\');
        if (next >= 0 && _s[_i + next] == '"')
        {
            _i += next + 1;
            if (forName)
            {
                var key = _s.AsSpan(start, next);
                if (key.Length > 0 && !char.IsAsciiDigit(key[0]) && !key.ContainsAnyExcept(s_labelChars))
                {
                    // Already a valid label name (the usual case): copy it in one go.
                    while (_nameLength + key.Length > _name.Length)
                    {
                        Array.Resize(ref _name, _name.Length * 2);
                    }

                    key.CopyTo(_name.AsSpan(_nameLength));
                    _nameLength += key.Length;
                    return null;
                }

                var keyStart = _nameLength;
                foreach (var c in key)
                {
                    AppendKeyChar(c, keyStart);
                }

                return null;
            }

            return Value(_s.AsSpan(start, next));
        }

        var sb = new StringBuilder();
        while (_i < _s.Length)
        {
            var c = _s[_i++];
            if (c == '"')
            {
                return sb.ToString();
            }

            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            ReadEscape(sb);
        }

        throw new FormatException("Value looks like string, but can't find closing '\"' symbol");
    }

    /// <summary>Loki's key rule, for a whole key: characters outside [A-Za-z0-9_] become _, and a leading digit gets a _ before it.</summary>
    public static string Sanitize(string key)
    {
        var sb = new StringBuilder(key.Length + 1);
        if (key.Length == 0 || char.IsAsciiDigit(key[0]))
        {
            sb.Append('_');
        }

        foreach (var c in key)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return sb.ToString();
    }
}
