namespace TovPlay.Logs.Domain.LogQL.Parsing;

/// <summary>A token with its 1-based line and column, for errors in Loki's form.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Line, int Column)
{
    /// <summary>The decoded value of a string token; the raw text for anything else.</summary>
    public string Value { get; init; } = Text;

    /// <summary>How errors name this token, as Loki does: <c>$end</c>, <c>STRING</c>, <c>IDENTIFIER</c>, a keyword in capitals, or the symbol itself.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "$end",
        TokenKind.Identifier => Keywords.IsKeyword(Text) ? Text.ToUpperInvariant() : "IDENTIFIER",
        _ => Names.Of(Kind),
    };
}

/// <summary>The names used for token kinds in "expecting ..." lists.</summary>
internal static class Names
{
    public static string Of(TokenKind kind) => kind switch
    {
        TokenKind.End => "$end",
        TokenKind.Identifier => "IDENTIFIER",
        TokenKind.String => "STRING",
        TokenKind.Number => "NUMBER",
        TokenKind.Duration => "DURATION",
        TokenKind.Bytes => "BYTES",
        TokenKind.Flag => "FLAG",
        TokenKind.OpenBrace => "{",
        TokenKind.CloseBrace => "}",
        TokenKind.OpenParen => "(",
        TokenKind.CloseParen => ")",
        TokenKind.OpenBracket => "[",
        TokenKind.CloseBracket => "]",
        TokenKind.Comma => ",",
        TokenKind.Pipe => "|",
        TokenKind.PipeExact => "|=",
        TokenKind.PipeMatch => "|~",
        TokenKind.Equal => "=",
        TokenKind.EqualEqual => "==",
        TokenKind.NotEqual => "!=",
        TokenKind.RegexMatch => "=~",
        TokenKind.RegexNotMatch => "!~",
        TokenKind.Greater => ">",
        TokenKind.GreaterOrEqual => ">=",
        TokenKind.Less => "<",
        TokenKind.LessOrEqual => "<=",
        TokenKind.Plus => "+",
        TokenKind.Minus => "-",
        TokenKind.Star => "*",
        TokenKind.Slash => "/",
        TokenKind.Percent => "%",
        TokenKind.Caret => "^",
        _ => kind.ToString(),
    };
}
