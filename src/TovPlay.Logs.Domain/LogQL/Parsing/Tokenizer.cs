using System.Globalization;
using System.Text;
using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.LogQL.Parsing;

/// <summary>Turns query text into tokens, tracking line and column; <c>#</c> starts a comment to the end of the line.</summary>
internal sealed class Tokenizer
{
    private readonly string _text;
    private int _index;
    private int _line = 1;
    private int _column = 1;

    private Tokenizer(string text) => _text = text;

    public static List<Token> Tokenize(string text)
    {
        var tokenizer = new Tokenizer(text);
        var tokens = new List<Token>();
        while (true)
        {
            var token = tokenizer.Next();
            tokens.Add(token);
            if (token.Kind == TokenKind.End)
            {
                return tokens;
            }
        }
    }

    private char Peek(int ahead = 0) => _index + ahead < _text.Length ? _text[_index + ahead] : '\0';

    private void Advance()
    {
        if (_text[_index] == '\n')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }

        _index++;
    }

    private LogQLSyntaxException Error(int line, int column, string detail) => new(line, column, detail);

    private Token Next()
    {
        SkipWhitespaceAndComments();
        var line = _line;
        var column = _column;
        if (_index >= _text.Length)
        {
            return new Token(TokenKind.End, "", line, column);
        }

        var c = Peek();
        if (c == '"')
        {
            return ReadQuoted(line, column);
        }

        if (c == '`')
        {
            return ReadRaw(line, column);
        }

        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
        {
            return ReadNumberLike(line, column);
        }

        if (char.IsAsciiLetter(c) || c == '_')
        {
            var start = _index;
            while (char.IsAsciiLetterOrDigit(Peek()) || Peek() == '_')
            {
                Advance();
            }

            return new Token(TokenKind.Identifier, _text[start.._index], line, column);
        }

        if (c == '-' && Peek(1) == '-' && char.IsAsciiLetter(Peek(2)))
        {
            var start = _index;
            Advance();
            Advance();
            while (char.IsAsciiLetter(Peek()) || Peek() == '-')
            {
                Advance();
            }

            return new Token(TokenKind.Flag, _text[start.._index], line, column);
        }

        return ReadSymbol(line, column);
    }

    private void SkipWhitespaceAndComments()
    {
        while (_index < _text.Length)
        {
            var c = Peek();
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                Advance();
            }
            else if (c == '#')
            {
                while (_index < _text.Length && Peek() != '\n')
                {
                    Advance();
                }
            }
            else
            {
                return;
            }
        }
    }

    private Token ReadSymbol(int line, int column)
    {
        var c = Peek();
        var next = Peek(1);
        (TokenKind kind, int length) = (c, next) switch
        {
            ('|', '=') => (TokenKind.PipeExact, 2),
            ('|', '~') => (TokenKind.PipeMatch, 2),
            ('|', _) => (TokenKind.Pipe, 1),
            ('!', '=') => (TokenKind.NotEqual, 2),
            ('!', '~') => (TokenKind.RegexNotMatch, 2),
            ('=', '=') => (TokenKind.EqualEqual, 2),
            ('=', '~') => (TokenKind.RegexMatch, 2),
            ('=', _) => (TokenKind.Equal, 1),
            ('>', '=') => (TokenKind.GreaterOrEqual, 2),
            ('>', _) => (TokenKind.Greater, 1),
            ('<', '=') => (TokenKind.LessOrEqual, 2),
            ('<', _) => (TokenKind.Less, 1),
            ('{', _) => (TokenKind.OpenBrace, 1),
            ('}', _) => (TokenKind.CloseBrace, 1),
            ('(', _) => (TokenKind.OpenParen, 1),
            (')', _) => (TokenKind.CloseParen, 1),
            ('[', _) => (TokenKind.OpenBracket, 1),
            (']', _) => (TokenKind.CloseBracket, 1),
            (',', _) => (TokenKind.Comma, 1),
            ('+', _) => (TokenKind.Plus, 1),
            ('-', _) => (TokenKind.Minus, 1),
            ('*', _) => (TokenKind.Star, 1),
            ('/', _) => (TokenKind.Slash, 1),
            ('%', _) => (TokenKind.Percent, 1),
            ('^', _) => (TokenKind.Caret, 1),
            _ => (TokenKind.End, 0),
        };

        if (length == 0)
        {
            var hint = c == '\'' ? " (hint: LogQL strings use double quotes or backticks, not single quotes)" : "";
            throw Error(line, column, $"syntax error: unexpected character '{c}'{hint}");
        }

        var text = _text.Substring(_index, length);
        for (var i = 0; i < length; i++)
        {
            Advance();
        }

        return new Token(kind, text, line, column);
    }

    private Token ReadNumberLike(int line, int column)
    {
        var start = _index;
        while (char.IsAsciiLetterOrDigit(Peek()) || Peek() is '.' or 'µ')
        {
            // An exponent sign belongs to the number: 1e+5.
            if ((Peek() is 'e' or 'E') && (Peek(1) is '+' or '-') && char.IsAsciiDigit(Peek(2)))
            {
                Advance();
            }

            Advance();
        }

        var text = _text[start.._index];
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && !text.EndsWith('.'))
        {
            return new Token(TokenKind.Number, text, line, column);
        }

        if (LogQLDuration.TryParse(text, out _))
        {
            return new Token(TokenKind.Duration, text, line, column);
        }

        if (LogQLBytes.TryParse(text, out _))
        {
            return new Token(TokenKind.Bytes, text, line, column);
        }

        throw Error(line, column, $"syntax error: invalid number, duration or byte size \"{text}\" (hint: durations look like 5m or 1h30m, sizes like 10KB or 1MiB)");
    }

    private Token ReadRaw(int line, int column)
    {
        var start = _index;
        Advance();
        var contentStart = _index;
        while (_index < _text.Length && Peek() != '`')
        {
            Advance();
        }

        if (_index >= _text.Length)
        {
            throw Error(line, column, "syntax error: unterminated raw string (hint: close it with a backtick)");
        }

        var value = _text[contentStart.._index];
        Advance();
        return new Token(TokenKind.String, _text[start.._index], line, column) { Value = value };
    }

    /// <summary>A double-quoted string with Go's escapes (\n, \t, \\, \", \xHH, \uHHHH, \UHHHHHHHH, octal).</summary>
    private Token ReadQuoted(int line, int column)
    {
        var start = _index;
        Advance();
        var value = new StringBuilder();
        while (true)
        {
            if (_index >= _text.Length || Peek() == '\n')
            {
                throw Error(line, column, "syntax error: unterminated string (hint: close it with a double quote)");
            }

            var c = Peek();
            if (c == '"')
            {
                Advance();
                return new Token(TokenKind.String, _text[start.._index], line, column) { Value = value.ToString() };
            }

            if (c != '\\')
            {
                value.Append(c);
                Advance();
                continue;
            }

            var escapeLine = _line;
            var escapeColumn = _column;
            Advance();
            var e = Peek();
            if (_index >= _text.Length)
            {
                throw Error(line, column, "syntax error: unterminated string (hint: close it with a double quote)");
            }

            Advance();
            switch (e)
            {
                case 'a': value.Append('\a'); break;
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case 'n': value.Append('\n'); break;
                case 'r': value.Append('\r'); break;
                case 't': value.Append('\t'); break;
                case 'v': value.Append('\v'); break;
                case '\\': value.Append('\\'); break;
                case '"': value.Append('"'); break;
                case 'x': value.Append((char)ReadHex(2, escapeLine, escapeColumn)); break;
                case 'u': value.Append((char)ReadHex(4, escapeLine, escapeColumn)); break;
                case 'U': value.Append(char.ConvertFromUtf32(ReadHex(8, escapeLine, escapeColumn))); break;
                case >= '0' and <= '7':
                    var octal = e - '0';
                    for (var i = 0; i < 2; i++)
                    {
                        if (Peek() is < '0' or > '7')
                        {
                            throw Error(escapeLine, escapeColumn, "syntax error: invalid octal escape in string (hint: write three octal digits, e.g. \\101)");
                        }

                        octal = (octal * 8) + (Peek() - '0');
                        Advance();
                    }

                    value.Append((char)octal);
                    break;
                default:
                    throw Error(escapeLine, escapeColumn,
                        $"syntax error: invalid escape \\{e} in string (hint: write \\\\{e} for a literal backslash, or use a `backtick` string)");
            }
        }
    }

    private int ReadHex(int digits, int line, int column)
    {
        var value = 0;
        for (var i = 0; i < digits; i++)
        {
            var c = Peek();
            if (!char.IsAsciiHexDigit(c))
            {
                throw Error(line, column, $"syntax error: invalid escape in string: expected {digits} hex digits");
            }

            value = (value * 16) + Convert.ToInt32(c.ToString(), 16);
            Advance();
        }

        if (value > 0x10FFFF || (value is >= 0xD800 and <= 0xDFFF))
        {
            throw Error(line, column, "syntax error: invalid escape in string: not a valid code point");
        }

        return value;
    }
}
