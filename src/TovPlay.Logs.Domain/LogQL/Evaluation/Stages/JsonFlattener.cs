using System.Globalization;
using System.Text;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary>
/// A small JSON reader for the <c>json</c> stage, over the line's characters without building a document:
/// nested object keys are joined with <c>_</c> (<c>{"user":{"id":1}}</c> gives <c>user_id</c>), arrays are skipped
/// as Loki skips them, and keys are made valid label names.
/// </summary>
internal ref struct JsonFlattener
{
    private readonly ReadOnlySpan<char> _s;
    private readonly Action<string, string> _emit;
    private int _i;

    private JsonFlattener(ReadOnlySpan<char> s, Action<string, string> emit)
    {
        _s = s;
        _emit = emit;
        _i = 0;
    }

    /// <summary>Calls <paramref name="emit"/> for every scalar; returns an error text when the line is not a JSON object.</summary>
    public static string? Flatten(string line, Action<string, string> emit)
    {
        var reader = new JsonFlattener(line.AsSpan(), emit);
        try
        {
            reader.SkipWhitespace();
            if (reader.Peek() != '{')
            {
                return "Value looks like something other than an object";
            }

            reader.ReadObject(null);
            reader.SkipWhitespace();
            return reader._i == reader._s.Length ? null : "Unexpected text after the JSON object";
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
    }

    private readonly char Peek() => _i < _s.Length ? _s[_i] : '\0';

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

    private void ReadObject(string? prefix)
    {
        Expect('{');
        SkipWhitespace();
        if (Peek() == '}')
        {
            _i++;
            return;
        }

        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"')
            {
                throw new FormatException($"Expected a key at offset {_i}");
            }

            var key = Sanitize(ReadString());
            var name = prefix is null ? key : string.Concat(prefix, "_", key);
            Expect(':');
            ReadValue(name);
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

    private void ReadValue(string name)
    {
        SkipWhitespace();
        var c = Peek();
        switch (c)
        {
            case '{':
                ReadObject(name);
                break;
            case '[':
                SkipArray();
                break;
            case '"':
                _emit(name, ReadString());
                break;
            case 't':
                ExpectWord("true");
                _emit(name, "true");
                break;
            case 'f':
                ExpectWord("false");
                _emit(name, "false");
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

                _emit(name, _s[start.._i].ToString());
                break;
        }
    }

    private void ExpectWord(string word)
    {
        if (!_s[_i..].StartsWith(word, StringComparison.Ordinal))
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
                ReadString();
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

    private string ReadString()
    {
        _i++; // opening quote
        var start = _i;
        while (_i < _s.Length && _s[_i] != '"' && _s[_i] != '\\')
        {
            _i++;
        }

        if (_i < _s.Length && _s[_i] == '"')
        {
            var plain = _s[start.._i].ToString();
            _i++;
            return plain;
        }

        var sb = new StringBuilder().Append(_s[start.._i]);
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

            if (_i >= _s.Length)
            {
                break;
            }

            var e = _s[_i++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'u' when _i + 4 <= _s.Length && int.TryParse(_s.Slice(_i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                    sb.Append((char)code);
                    _i += 4;
                    break;
                case '"' or '\\' or '/': sb.Append(e); break;
                default: throw new FormatException($"Invalid escape \\{e} at offset {_i - 1}");
            }
        }

        throw new FormatException("Value looks like string, but can't find closing '\"' symbol");
    }

    /// <summary>Loki's key rule: characters outside [A-Za-z0-9_] become _, and a leading digit gets a _ before it.</summary>
    public static string Sanitize(string key)
    {
        var valid = key.Length > 0 && !char.IsAsciiDigit(key[0]);
        foreach (var c in key)
        {
            valid &= char.IsAsciiLetterOrDigit(c) || c == '_';
        }

        if (valid)
        {
            return key;
        }

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
