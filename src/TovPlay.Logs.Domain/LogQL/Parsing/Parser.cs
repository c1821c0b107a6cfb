using System.Globalization;
using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.LogQL.Parsing;

/// <summary>
/// Recursive descent over the token list. Binary operators follow a precedence ladder, loosest first:
/// <c>or</c>; <c>and</c> <c>unless</c>; comparisons; <c>+ -</c>; <c>* / %</c>; <c>^</c> (right-associative).
/// </summary>
internal sealed partial class Parser
{
    private readonly List<Token> _tokens;
    private readonly ParseLimits _limits;
    private int _position;
    private int _nesting;
    private int _operators;

    private Parser(List<Token> tokens, ParseLimits limits)
    {
        _tokens = tokens;
        _limits = limits;
    }

    public static LogQLExpr Parse(string text, ParseLimits? limits = null)
    {
        limits = (limits ?? ParseLimits.Default).Capped();
        if (text.Length > limits.MaxLength)
        {
            throw new LogQLSyntaxException(1, 1, $"syntax error: the query is {text.Length} characters long, more than the limit of {limits.MaxLength}");
        }

        var tokens = Tokenizer.Tokenize(text);
        if (tokens[0].Kind == TokenKind.End)
        {
            throw new LogQLSyntaxException(0, 0, "syntax error: unexpected $end");
        }

        var parser = new Parser(tokens, limits);
        var expr = parser.ParseExpr();
        if (parser.Current.Kind != TokenKind.End)
        {
            throw parser.Unexpected(parser.ExpectationAfterExpression(expr));
        }

        return expr;
    }

    private Token Current => _tokens[_position];

    private Token PeekToken(int ahead = 1) => _tokens[Math.Min(_position + ahead, _tokens.Count - 1)];

    private Token Take() => _tokens[_position++];

    private bool At(TokenKind kind) => Current.Kind == kind;

    /// <summary>Keywords match in any case, as in Loki (<c>SUM BY (a)</c>).</summary>
    private bool AtWord(string word) => Current.Kind == TokenKind.Identifier && string.Equals(Current.Text, word, StringComparison.OrdinalIgnoreCase);

    private bool TryTake(TokenKind kind)
    {
        if (!At(kind))
        {
            return false;
        }

        _position++;
        return true;
    }

    private bool TryTakeWord(string word)
    {
        if (!AtWord(word))
        {
            return false;
        }

        _position++;
        return true;
    }

    private Token Expect(TokenKind kind, string? hint = null)
    {
        if (!At(kind))
        {
            throw Unexpected([Names.Of(kind)], hint);
        }

        return Take();
    }

    private LogQLSyntaxException Unexpected(IReadOnlyList<string> expected, string? hint = null) => Unexpected(Current, expected, hint);

    private static LogQLSyntaxException Unexpected(Token token, IReadOnlyList<string> expected, string? hint = null)
    {
        var message = $"syntax error: unexpected {token.Describe()}";
        if (expected.Count > 0)
        {
            message += $", expecting {string.Join(" or ", expected)}";
        }

        return new LogQLSyntaxException(token.Line, token.Column, message, hint);
    }

    private static LogQLSyntaxException Error(Token at, string detail) => new(at.Line, at.Column, detail);

    private IReadOnlyList<string> ExpectationAfterExpression(LogQLExpr expr) => expr switch
    {
        LogQueryExpr => ["|", "|=", "!=", "|~", "!~"],
        _ => [],
    };

    // ---- expression ladder -------------------------------------------------------------------

    private LogQLExpr ParseExpr()
    {
        Nest();
        try
        {
            return ParseBinary(0);
        }
        finally
        {
            _nesting--;
        }
    }

    /// <summary>One level deeper; the caller undoes it with <c>_nesting--</c> when the level is parsed.</summary>
    private void Nest()
    {
        if (++_nesting > _limits.MaxNesting)
        {
            throw Error(Current, $"syntax error: the query nests deeper than the limit of {_limits.MaxNesting} levels of parentheses and functions");
        }
    }

    private void CountOperator(Token at)
    {
        if (++_operators > _limits.MaxOperators)
        {
            throw Error(at, $"syntax error: the query has more than the limit of {_limits.MaxOperators} operators");
        }
    }

    private static readonly (TokenKind? Kind, string? Word, BinaryOperator Operator)[][] s_levels =
    [
        [(null, "or", BinaryOperator.Or)],
        [(null, "and", BinaryOperator.And), (null, "unless", BinaryOperator.Unless)],
        [
            (TokenKind.EqualEqual, null, BinaryOperator.Equal), (TokenKind.NotEqual, null, BinaryOperator.NotEqual),
            (TokenKind.Greater, null, BinaryOperator.Greater), (TokenKind.GreaterOrEqual, null, BinaryOperator.GreaterOrEqual),
            (TokenKind.Less, null, BinaryOperator.Less), (TokenKind.LessOrEqual, null, BinaryOperator.LessOrEqual),
        ],
        [(TokenKind.Plus, null, BinaryOperator.Add), (TokenKind.Minus, null, BinaryOperator.Subtract)],
        [(TokenKind.Star, null, BinaryOperator.Multiply), (TokenKind.Slash, null, BinaryOperator.Divide), (TokenKind.Percent, null, BinaryOperator.Modulo)],
        [(TokenKind.Caret, null, BinaryOperator.Power)],
    ];

    public static int Precedence(BinaryOperator op)
    {
        for (var level = 0; level < s_levels.Length; level++)
        {
            if (s_levels[level].Any(l => l.Operator == op))
            {
                return level;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(op));
    }

    public static bool IsComparison(BinaryOperator op) => Precedence(op) == 2;

    private LogQLExpr ParseBinary(int level)
    {
        if (level == s_levels.Length)
        {
            return ParseUnary();
        }

        var left = ParseBinary(level + 1);
        while (TryMatchOperator(level, out var op, out var opToken))
        {
            CountOperator(opToken);
            var returnBool = false;
            if (AtWord("bool"))
            {
                if (!IsComparison(op))
                {
                    throw Error(Current, $"syntax error: bool modifier can only be used on comparison operators, not {opToken.Text}");
                }

                Take();
                returnBool = true;
            }

            var matching = ParseVectorMatching(op);

            // ^ is right-associative: its right side may hold another ^ at the same level.
            var right = op == BinaryOperator.Power ? ParseBinary(level) : ParseBinary(level + 1);
            if (left is LogQueryExpr || right is LogQueryExpr)
            {
                throw Error(opToken, $"syntax error: a log query cannot be an operand of {opToken.Text} (hint: turn it into a metric first, e.g. count_over_time({{job=\"x\"}}[5m]))");
            }

            if (Precedence(op) <= 1 && (left is NumberLiteralExpr || right is NumberLiteralExpr))
            {
                throw Error(opToken, $"syntax error: {opToken.Text} works on vectors, not on numbers");
            }

            left = new BinaryExpr(op, left, right, returnBool, matching);
        }

        return left;
    }

    private bool TryMatchOperator(int level, out BinaryOperator op, out Token token)
    {
        token = Current;
        foreach (var (kind, word, candidate) in s_levels[level])
        {
            if ((kind is { } k && At(k)) || (word is not null && AtWord(word)))
            {
                op = candidate;
                Take();
                return true;
            }
        }

        op = default;
        return false;
    }

    private VectorMatching? ParseVectorMatching(BinaryOperator op)
    {
        if (!AtWord("on") && !AtWord("ignoring"))
        {
            return null;
        }

        var on = string.Equals(Take().Text, "on", StringComparison.OrdinalIgnoreCase);
        var labels = ParseLabelList();
        var side = GroupSide.None;
        var include = ValueList<string>.Empty;
        if (AtWord("group_left") || AtWord("group_right"))
        {
            if (Precedence(op) <= 1)
            {
                throw Error(Current, $"syntax error: {Current.Text} cannot be used with set operations (and, or, unless)");
            }

            side = string.Equals(Take().Text, "group_left", StringComparison.OrdinalIgnoreCase) ? GroupSide.Left : GroupSide.Right;
            if (At(TokenKind.OpenParen))
            {
                include = ParseLabelList();
            }
        }

        return new VectorMatching(on, labels, side, include);
    }

    /// <summary><c>(a, b)</c>, possibly empty.</summary>
    private ValueList<string> ParseLabelList()
    {
        Expect(TokenKind.OpenParen);
        var labels = new List<string>();
        if (!At(TokenKind.CloseParen))
        {
            do
            {
                labels.Add(ExpectLabelName());
            }
            while (TryTake(TokenKind.Comma));
        }

        if (!At(TokenKind.CloseParen))
        {
            throw Unexpected([")", ","]);
        }

        Take();
        return new ValueList<string>(labels);
    }

    private string ExpectLabelName()
    {
        if (!At(TokenKind.Identifier) || Keywords.IsReserved(Current.Text))
        {
            throw Unexpected(["IDENTIFIER"]);
        }

        return Take().Text;
    }

    private LogQLExpr ParseUnary()
    {
        if (At(TokenKind.Minus) || At(TokenKind.Plus))
        {
            var sign = Take();
            if (!At(TokenKind.Number))
            {
                throw Unexpected(["NUMBER"], "a sign can only stand before a number");
            }

            var value = ParseNumber(Take());
            return new NumberLiteralExpr(sign.Kind == TokenKind.Minus ? -value : value);
        }

        return ParsePrimary();
    }

    private static double ParseNumber(Token token) => double.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private LogQLExpr ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                Take();
                return new NumberLiteralExpr(ParseNumber(token));
            case TokenKind.OpenBrace:
                return ParseLogQuery(allowUnwrap: false).Log;
            case TokenKind.OpenParen:
                Take();
                var inner = ParseExpr();
                if (!At(TokenKind.CloseParen))
                {
                    throw Unexpected([")", .. ExpectationAfterExpression(inner)]);
                }

                Take();
                return inner;
            case TokenKind.Identifier:
                return ParseFunction();
            case TokenKind.String:
                throw Unexpected(["{", "NUMBER", "a function"], "a query starts with a stream selector such as {job=\"tovplay-backend\"}");
            default:
                throw Unexpected(["{", "(", "NUMBER", "a function"]);
        }
    }

    private LogQLExpr ParseFunction()
    {
        var name = Current;
        if (Keywords.RangeOperations.TryGetValue(name.Text, out var rangeOp))
        {
            return ParseRangeAggregation(rangeOp);
        }

        if (Keywords.VectorOperations.TryGetValue(name.Text, out var vectorOp))
        {
            return ParseVectorAggregation(vectorOp);
        }

        if (string.Equals(name.Text, "vector", StringComparison.OrdinalIgnoreCase))
        {
            Take();
            Expect(TokenKind.OpenParen);
            if (Current.Kind is not (TokenKind.Number or TokenKind.Minus or TokenKind.Plus))
            {
                throw Unexpected(["NUMBER"]);
            }

            var value = (NumberLiteralExpr)ParseUnary();
            Expect(TokenKind.CloseParen);
            return new VectorExpr(value.Value);
        }

        if (string.Equals(name.Text, "label_replace", StringComparison.OrdinalIgnoreCase))
        {
            return ParseLabelReplace();
        }

        if (PeekToken().Kind == TokenKind.OpenParen)
        {
            var suggestion = Suggestions.Closest(name.Text, Keywords.FunctionNames);
            throw Error(name, $"syntax error: unknown function {name.Text}" + (suggestion is null ? "" : $" (hint: did you mean {suggestion}?)"));
        }

        throw Unexpected(["{", "(", "NUMBER", "a function"],
            "label names belong inside a stream selector, e.g. {" + name.Text + "=\"value\"}");
    }

    private LogQLExpr ParseLabelReplace()
    {
        var name = Take();
        Expect(TokenKind.OpenParen);
        var inner = ParseExpr();
        var args = new string[4];
        for (var i = 0; i < 4; i++)
        {
            if (!At(TokenKind.Comma))
            {
                throw Unexpected([","], "label_replace takes an expression and four strings: destination, replacement, source, regex");
            }

            Take();
            args[i] = Expect(TokenKind.String).Value;
        }

        Expect(TokenKind.CloseParen);
        if (inner is LogQueryExpr)
        {
            throw Error(name, "syntax error: label_replace needs a metric expression, not a log query");
        }

        if (!RegexSyntax.TryTranslate(args[3], out _, out var error))
        {
            throw Error(name, $"invalid regex \"{args[3]}\" in label_replace: {error}");
        }

        return new LabelReplaceExpr(inner, args[0], args[1], args[2], args[3]);
    }
}
