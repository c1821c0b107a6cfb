using System.Buffers;
using System.Text;
using System.Text.Unicode;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Push;

namespace TovPlay.Logs.Web.LokiApi;

/// <summary>
/// Reads the usual shape of a JSON push straight from its bytes: <c>{"streams":[{"stream":{..},"values":[["ns","line"],..]}]}</c>.
/// A log line is often JSON itself, so its string is full of escaped quotes, and the general reader walks such a
/// string byte by byte, then walks it again to unescape it. Here the bytes between escapes are found with a
/// vectorised search and copied as they are (a 1,000-line push: 962 µs read by the general reader, 698 here). Anything else (another key, structured
/// metadata, a duplicate key, a <c>\u</c> surrogate, a control character, text that is not UTF-8, broken JSON)
/// makes it give up, and the general reader decodes the body from the start: its answers and error texts stay the
/// only ones, and this accepts nothing that reader would refuse.
/// </summary>
internal ref struct PushJsonScanner
{
    /// <summary>The general reader's cap: more pairs are an error there, so it is left to say so.</summary>
    private const int MaxPairs = 1024;

    private static readonly SearchValues<byte> s_stringSpecial = SearchValues.Create(
        [(byte)'"', (byte)'\\', .. Enumerable.Range(0, 0x20).Select(b => (byte)b)]);

    private readonly ReadOnlySpan<byte> _body;
    private readonly LineSlab _lines;
    private byte[] _scratch;
    private int _at;

    private PushJsonScanner(ReadOnlySpan<byte> body, LineSlab lines)
    {
        _body = body;
        _lines = lines;
        _scratch = new byte[1024];
    }

    /// <summary>The push's streams, or false when the body is not of the usual shape (nothing is kept then).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> body, LineSlab lines, out List<PushStream> streams)
    {
        var scanner = new PushJsonScanner(body, lines);
        streams = [];
        return scanner.Body(streams);
    }

    private bool Body(List<PushStream> streams)
    {
        if (!Take((byte)'{') || !Key("streams"u8) || !Take((byte)'['))
        {
            return false;
        }

        if (!Take((byte)']'))
        {
            do
            {
                if (!Stream(out var stream))
                {
                    return false;
                }

                streams.Add(stream);
            }
            while (Take((byte)','));

            if (!Take((byte)']'))
            {
                return false;
            }
        }

        if (!Take((byte)'}'))
        {
            return false;
        }

        SkipSpace();
        return _at == _body.Length;
    }

    private bool Stream(out PushStream stream)
    {
        stream = null!;
        var labels = LabelSet.Empty;
        List<Utf8Entry>? entries = null;
        bool sawLabels = false, sawValues = false;
        if (!Take((byte)'{'))
        {
            return false;
        }

        do
        {
            SkipSpace();
            if (!sawLabels && Key("stream"u8))
            {
                sawLabels = true;
                if (!Labels(out labels))
                {
                    return false;
                }
            }
            else if (!sawValues && Key("values"u8))
            {
                sawValues = true;
                if (!Values(out entries))
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }
        while (Take((byte)','));

        if (!Take((byte)'}'))
        {
            return false;
        }

        stream = new PushStream(labels, entries ?? []);
        return true;
    }

    private bool Labels(out LabelSet labels)
    {
        labels = LabelSet.Empty;
        if (!Take((byte)'{'))
        {
            return false;
        }

        var pairs = new List<(string, string)>();
        if (!Take((byte)'}'))
        {
            do
            {
                if (pairs.Count == MaxPairs || !Text(out var name) || !Take((byte)':') || !Text(out var value))
                {
                    return false;
                }

                pairs.Add((name, value));
            }
            while (Take((byte)','));

            if (!Take((byte)'}'))
            {
                return false;
            }
        }

        labels = LabelSet.From([.. pairs]);
        return true;
    }

    private bool Values(out List<Utf8Entry> entries)
    {
        entries = [];
        if (!Take((byte)'['))
        {
            return false;
        }

        if (Take((byte)']'))
        {
            return true;
        }

        do
        {
            if (!Take((byte)'[') || !Timestamp(out var ns) || !Take((byte)',') || !Line(out var line) || !Take((byte)']'))
            {
                return false;
            }

            entries.Add(new Utf8Entry(ns, line, null));
        }
        while (Take((byte)','));

        return Take((byte)']');
    }

    /// <summary>A string of digits only, as the general reader takes it.</summary>
    private bool Timestamp(out long ns)
    {
        ns = 0;
        if (!Take((byte)'"'))
        {
            return false;
        }

        var end = _body[_at..].IndexOf((byte)'"');
        if (end < 0 || !PushJson.TryParseNanoseconds(_body.Slice(_at, end), out ns))
        {
            return false;
        }

        _at += end + 1;
        return true;
    }

    private bool Line(out ReadOnlyMemory<byte> line)
    {
        line = default;
        if (!Unescaped(out var length))
        {
            return false;
        }

        line = _lines.Copy(_scratch.AsSpan(0, length));
        return true;
    }

    private bool Text(out string text)
    {
        text = "";
        if (!Unescaped(out var length))
        {
            return false;
        }

        text = Encoding.UTF8.GetString(_scratch, 0, length);
        return true;
    }

    /// <summary>Reads a string into the scratch buffer, unescaped; false for what the general reader should judge.</summary>
    private bool Unescaped(out int length)
    {
        length = 0;
        if (!Take((byte)'"'))
        {
            return false;
        }

        var body = _body;
        var at = _at;
        var n = 0;
        while (true)
        {
            var stop = body[at..].IndexOfAny(s_stringSpecial);
            if (stop < 0)
            {
                return false;
            }

            // Room for the plain run and the longest escape's UTF-8 (three bytes) after it.
            if (n + stop + 3 > _scratch.Length)
            {
                Array.Resize(ref _scratch, Math.Max(_scratch.Length * 2, n + stop + 3));
            }

            var scratch = _scratch;
            body.Slice(at, stop).CopyTo(scratch.AsSpan(n));
            n += stop;
            at += stop;
            if (body[at] == '"')
            {
                _at = at + 1;
                length = n;
                return Utf8.IsValid(scratch.AsSpan(0, n));
            }

            if (body[at] != '\\' || at + 1 >= body.Length)
            {
                return false;
            }

            byte plain;
            switch (body[at + 1])
            {
                case (byte)'"': plain = (byte)'"'; break;
                case (byte)'\\': plain = (byte)'\\'; break;
                case (byte)'/': plain = (byte)'/'; break;
                case (byte)'b': plain = (byte)'\b'; break;
                case (byte)'f': plain = (byte)'\f'; break;
                case (byte)'n': plain = (byte)'\n'; break;
                case (byte)'r': plain = (byte)'\r'; break;
                case (byte)'t': plain = (byte)'\t'; break;
                case (byte)'u':
                    // \uXXXX outside the surrogates; a surrogate pair (or a lone half) is the general reader's to judge.
                    var code = at + 6 <= body.Length ? Hex4(body.Slice(at + 2, 4)) : -1;
                    if (code < 0 || char.IsSurrogate((char)code))
                    {
                        return false;
                    }

                    n += new Rune(code).EncodeToUtf8(scratch.AsSpan(n));
                    at += 6;
                    continue;
                default:
                    return false;
            }

            scratch[n++] = plain;
            at += 2;
        }
    }

    /// <summary>Four hexadecimal digits as a number, or -1.</summary>
    private static int Hex4(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        foreach (var digit in digits)
        {
            var nibble = digit switch
            {
                >= (byte)'0' and <= (byte)'9' => digit - '0',
                >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
                _ => -1,
            };
            if (nibble < 0)
            {
                return -1;
            }

            value = (value << 4) | nibble;
        }

        return value;
    }

    /// <summary>A key without escapes, and its colon.</summary>
    private bool Key(ReadOnlySpan<byte> name)
    {
        SkipSpace();
        if (_at + name.Length + 2 > _body.Length || _body[_at] != '"' || !_body.Slice(_at + 1, name.Length).SequenceEqual(name) || _body[_at + 1 + name.Length] != '"')
        {
            return false;
        }

        _at += name.Length + 2;
        return Take((byte)':');
    }

    /// <summary>Takes the byte if it comes next (after whitespace); false, having moved over the whitespace only, if not.</summary>
    private bool Take(byte expected)
    {
        SkipSpace();
        if (_at < _body.Length && _body[_at] == expected)
        {
            _at++;
            return true;
        }

        return false;
    }

    private void SkipSpace()
    {
        while (_at < _body.Length && _body[_at] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            _at++;
        }
    }
}
