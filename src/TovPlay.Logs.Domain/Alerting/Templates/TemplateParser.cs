using System.Globalization;
using System.Text;

namespace TovPlay.Logs.Domain.Alerting.Templates;

/// <summary>Turns template text into nodes; every error names its line and column.</summary>
internal sealed class TemplateParser
{
    private readonly string _text;
    private readonly List<Segment> _segments = [];
    private int _next;

    private TemplateParser(string text) => _text = text;

    public static IReadOnlyList<TemplateNode> Parse(string text)
    {
        var parser = new TemplateParser(text);
        parser.Split();
        var nodes = parser.ParseList(0, out var end);
        if (end is not null)
        {
            throw parser.Error(end.Offset, $"unexpected {{{{{end.Keyword}}}}}");
        }

        return nodes;
    }

    /// <summary>Text and actions, with trim markers applied to the text around them.</summary>
    private void Split()
    {
        var i = 0;
        var trimNext = false;
        while (i < _text.Length)
        {
            var open = _text.IndexOf("{{", i, StringComparison.Ordinal);
            var textEnd = open < 0 ? _text.Length : open;
            var literal = _text[i..textEnd];
            if (trimNext)
            {
                literal = literal.TrimStart();
            }

            var trimLeft = open >= 0 && open + 3 < _text.Length && _text[open + 2] == '-' && char.IsWhiteSpace(_text[open + 3]);
            if (trimLeft)
            {
                literal = literal.TrimEnd();
            }

            if (literal.Length > 0)
            {
                _segments.Add(new Segment(i, null, literal));
            }

            if (open < 0)
            {
                break;
            }

            var start = open + (trimLeft ? 3 : 2);
            var close = FindClose(start, open);
            var trimRight = close - 1 > start && _text[close - 1] == '-' && char.IsWhiteSpace(_text[close - 2]);
            var content = _text[start..(trimRight ? close - 1 : close)];
            var trimmed = content.Trim();
            if (!(trimmed.StartsWith("/*", StringComparison.Ordinal) && trimmed.EndsWith("*/", StringComparison.Ordinal) && trimmed.Length >= 4))
            {
                if (trimmed.Length == 0)
                {
                    throw Error(open, "missing value for command");
                }

                _segments.Add(new Segment(start + (content.Length - content.TrimStart().Length), trimmed, null));
            }

            trimNext = trimRight;
            i = close + 2;
        }
    }

    private int FindClose(int from, int open)
    {
        char? quote = null;
        var quoteAt = 0;
        for (var j = from; j < _text.Length; j++)
        {
            var c = _text[j];
            if (quote is { } q)
            {
                if (c == '\\' && q == '"')
                {
                    j++;
                }
                else if (c == q)
                {
                    quote = null;
                }
                else if (c == '\n' && q == '"')
                {
                    throw Error(j, "unterminated quoted string");
                }

                continue;
            }

            if (c is '"' or '`')
            {
                quote = c;
                quoteAt = j;
            }
            else if (c == '}' && j + 1 < _text.Length && _text[j + 1] == '}')
            {
                return j;
            }
        }

        throw quote is null ? Error(open, "unclosed action: \"{{\" without \"}}\"") : Error(quoteAt, "unterminated quoted string");
    }

    /// <summary>Nodes up to an <c>else</c> or <c>end</c> (returned in <paramref name="end"/>) or the end of the text.</summary>
    private List<TemplateNode> ParseList(int depth, out Segment? end)
    {
        if (depth > AlertTemplate.MaxNesting)
        {
            throw Error(_segments[Math.Max(0, _next - 1)].Offset, $"more than {AlertTemplate.MaxNesting} nested if, range or with");
        }

        var nodes = new List<TemplateNode>();
        while (_next < _segments.Count)
        {
            var segment = _segments[_next++];
            if (segment.Action is null)
            {
                nodes.Add(new TextNode(segment.Text!));
                continue;
            }

            switch (segment.Keyword)
            {
                case "end":
                case "else":
                    end = segment;
                    return nodes;
                case "if":
                case "with":
                case "range":
                    nodes.Add(ParseBlock(segment, segment.Keyword, depth));
                    break;
                case "define" or "template" or "block" or "break" or "continue":
                    throw Error(segment.Offset, $"{{{{{segment.Keyword}}}}} is not supported here");
                default:
                    nodes.Add(new OutputNode(ParsePipeline(segment.Action, segment.Offset, allowDeclare: true)));
                    break;
            }
        }

        end = null;
        return nodes;
    }

    private TemplateNode ParseBlock(Segment head, string keyword, int depth)
    {
        var rest = head.Action![keyword.Length..];
        if (rest.Trim().Length == 0)
        {
            throw Error(head.Offset, $"missing value for {keyword}");
        }

        var pipeline = ParsePipeline(rest, head.Offset + keyword.Length, allowDeclare: true, rangeVariables: keyword == "range");
        var body = ParseList(depth + 1, out var end);
        IReadOnlyList<TemplateNode> otherwise = [];
        if (end?.Keyword == "else")
        {
            var elseRest = end.Action!["else".Length..].TrimStart();
            if (elseRest.StartsWith("if", StringComparison.Ordinal) && keyword == "if" && (elseRest.Length == 2 || char.IsWhiteSpace(elseRest[2])))
            {
                // else if: the chain shares the one {{end}} that closes the first if.
                var nested = new Segment(end.Offset + end.Action!.IndexOf("if", "else".Length, StringComparison.Ordinal), elseRest, null);
                otherwise = [ParseBlock(nested, "if", depth + 1)];
                return new IfNode(pipeline, body, otherwise, With: false);
            }

            if (elseRest.Length > 0)
            {
                throw Error(end.Offset, $"unexpected \"{elseRest}\" after else");
            }

            otherwise = ParseList(depth + 1, out end);
        }

        if (end?.Keyword != "end")
        {
            throw Error(head.Offset, $"{{{{{keyword}}}}} without a matching {{{{end}}}}");
        }

        if (end.Action!.Trim() != "end")
        {
            throw Error(end.Offset, "unexpected text after end");
        }

        return keyword == "range" ? new RangeNode(pipeline, body, otherwise) : new IfNode(pipeline, body, otherwise, With: keyword == "with");
    }

    private TemplatePipeline ParsePipeline(string action, int offset, bool allowDeclare, bool rangeVariables = false)
    {
        var tokens = new TemplateLexer(action, offset, this).Tokens();
        var position = 0;
        var pipeline = ParsePipeline(tokens, ref position, allowDeclare, rangeVariables);
        if (position < tokens.Count)
        {
            throw Error(tokens[position].Offset, $"unexpected \"{tokens[position].Text}\"");
        }

        return pipeline;
    }

    private TemplatePipeline ParsePipeline(List<TemplateToken> tokens, ref int position, bool allowDeclare, bool rangeVariables)
    {
        var where = Where(tokens.Count > position ? tokens[position].Offset : 0);
        var declared = new List<string>();
        var assigns = false;
        if (allowDeclare)
        {
            var look = position;
            var names = new List<string>();
            while (look < tokens.Count && tokens[look].Kind == TokenType.Variable && !tokens[look].Text.Contains('.', StringComparison.Ordinal))
            {
                names.Add(tokens[look].Text);
                look++;
                if (look < tokens.Count && tokens[look].Kind == TokenType.Comma && rangeVariables && names.Count == 1)
                {
                    look++;
                    continue;
                }

                break;
            }

            if (names.Count > 0 && look < tokens.Count && tokens[look].Kind is TokenType.Declare or TokenType.Assign)
            {
                declared = names;
                assigns = tokens[look].Kind == TokenType.Assign;
                position = look + 1;
            }
        }

        var commands = new List<TemplateCommand>();
        while (true)
        {
            var operands = new List<TemplateOperand>();
            while (position < tokens.Count && tokens[position].Kind is not (TokenType.Pipe or TokenType.RightParen))
            {
                operands.Add(ParseOperand(tokens, ref position));
            }

            if (operands.Count == 0)
            {
                throw Error(position < tokens.Count ? tokens[position].Offset : tokens.Count > 0 ? tokens[^1].Offset : 0, "missing value for command");
            }

            commands.Add(new TemplateCommand(operands));
            if (position < tokens.Count && tokens[position].Kind == TokenType.Pipe)
            {
                position++;
                continue;
            }

            return new TemplatePipeline(declared, assigns, commands, where);
        }
    }

    private TemplateOperand ParseOperand(List<TemplateToken> tokens, ref int position)
    {
        var token = tokens[position++];
        switch (token.Kind)
        {
            case TokenType.Field:
                return new FieldOperand(null, Path(token.Text));
            case TokenType.Variable:
                var dot = token.Text.IndexOf('.', StringComparison.Ordinal);
                return dot < 0 ? new FieldOperand(token.Text, []) : new FieldOperand(token.Text[..dot], Path(token.Text[dot..]));
            case TokenType.String:
                return new LiteralOperand(token.Value);
            case TokenType.Number:
                return new LiteralOperand(token.Value);
            case TokenType.Identifier:
                return token.Text switch
                {
                    "true" => new LiteralOperand(true),
                    "false" => new LiteralOperand(false),
                    "nil" => new LiteralOperand(null),
                    _ when TemplateFunctions.Exists(token.Text) => new FunctionOperand(token.Text),
                    _ => throw Error(token.Offset, $"function \"{token.Text}\" not defined"),
                };
            case TokenType.LeftParen:
                var inner = ParsePipeline(tokens, ref position, allowDeclare: false, rangeVariables: false);
                if (position >= tokens.Count || tokens[position].Kind != TokenType.RightParen)
                {
                    throw Error(token.Offset, "unclosed left paren");
                }

                position++;
                var path = new List<string>();
                while (position < tokens.Count && tokens[position].Kind == TokenType.Field && tokens[position].Offset == tokens[position - 1].Offset + tokens[position - 1].Text.Length)
                {
                    path.AddRange(Path(tokens[position++].Text));
                }

                return new NestedOperand(inner, path);
            default:
                throw Error(token.Offset, $"unexpected \"{token.Text}\"");
        }
    }

    private static List<string> Path(string chain) => [.. chain.Split('.', StringSplitOptions.RemoveEmptyEntries)];

    internal AlertTemplateException Error(int offset, string message) => new($"{Where(offset)}: {message}");

    private string Where(int offset)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < offset && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return $"line {line}, column {column}";
    }

    /// <summary>Text (Action null) or an action's trimmed content starting at <see cref="Offset"/>.</summary>
    private sealed record Segment(int Offset, string? Action, string? Text)
    {
        public string? Keyword => Action is null ? null : Action.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries)[0];
    }
}

internal enum TokenType
{
    Field,
    Variable,
    String,
    Number,
    Identifier,
    Pipe,
    LeftParen,
    RightParen,
    Declare,
    Assign,
    Comma,
}

internal sealed record TemplateToken(TokenType Kind, string Text, int Offset, object? Value = null);

/// <summary>The words of one action.</summary>
internal sealed class TemplateLexer(string action, int offset, TemplateParser parser)
{
    public List<TemplateToken> Tokens()
    {
        var tokens = new List<TemplateToken>();
        var i = 0;
        while (i < action.Length)
        {
            var c = action[i];
            var at = offset + i;
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '|')
            {
                tokens.Add(new TemplateToken(TokenType.Pipe, "|", at));
                i++;
            }
            else if (c == '(' || c == ')')
            {
                tokens.Add(new TemplateToken(c == '(' ? TokenType.LeftParen : TokenType.RightParen, c.ToString(), at));
                i++;
            }
            else if (c == ',')
            {
                tokens.Add(new TemplateToken(TokenType.Comma, ",", at));
                i++;
            }
            else if (c == ':' && i + 1 < action.Length && action[i + 1] == '=')
            {
                tokens.Add(new TemplateToken(TokenType.Declare, ":=", at));
                i += 2;
            }
            else if (c == '=')
            {
                tokens.Add(new TemplateToken(TokenType.Assign, "=", at));
                i++;
            }
            else if (c is '"' or '`')
            {
                var (text, value) = Quoted(i);
                tokens.Add(new TemplateToken(TokenType.String, text, at, value));
                i += text.Length;
            }
            else if (c == '.' && (i + 1 >= action.Length || !char.IsAsciiDigit(action[i + 1])))
            {
                var end = Chain(i);
                tokens.Add(new TemplateToken(TokenType.Field, action[i..end], at));
                i = end;
            }
            else if (c == '$')
            {
                var end = i + 1;
                while (end < action.Length && (char.IsLetterOrDigit(action[end]) || action[end] == '_'))
                {
                    end++;
                }

                end = Chain(end);
                tokens.Add(new TemplateToken(TokenType.Variable, action[i..end], at));
                i = end;
            }
            else if (char.IsAsciiDigit(c) || ((c is '-' or '+' or '.') && i + 1 < action.Length && (char.IsAsciiDigit(action[i + 1]) || action[i + 1] == '.')))
            {
                var end = i + 1;
                while (end < action.Length && (char.IsAsciiLetterOrDigit(action[end]) || action[end] is '.' or '_' || (action[end] is '+' or '-' && action[end - 1] is 'e' or 'E')))
                {
                    end++;
                }

                var word = action[i..end];
                if (!double.TryParse(word.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    throw parser.Error(at, $"bad number syntax: \"{word}\"");
                }

                tokens.Add(new TemplateToken(TokenType.Number, word, at, number));
                i = end;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var end = i + 1;
                while (end < action.Length && (char.IsLetterOrDigit(action[end]) || action[end] == '_'))
                {
                    end++;
                }

                tokens.Add(new TemplateToken(TokenType.Identifier, action[i..end], at));
                i = end;
            }
            else
            {
                throw parser.Error(at, $"unexpected \"{c}\" in command");
            }
        }

        return tokens;
    }

    private int Chain(int i)
    {
        while (i < action.Length && action[i] == '.')
        {
            i++;
            while (i < action.Length && (char.IsLetterOrDigit(action[i]) || action[i] == '_'))
            {
                i++;
            }
        }

        return i;
    }

    private (string Text, string Value) Quoted(int start)
    {
        var quote = action[start];
        var sb = new StringBuilder();
        for (var i = start + 1; i < action.Length; i++)
        {
            var c = action[i];
            if (c == quote)
            {
                return (action[start..(i + 1)], sb.ToString());
            }

            if (c == '\\' && quote == '"' && i + 1 < action.Length)
            {
                var e = action[++i];
                sb.Append(e switch
                {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '\\' => '\\',
                    '"' => '"',
                    '\'' => '\'',
                    _ => throw parser.Error(offset + i - 1, $"unknown escape sequence \\{e}"),
                });
                continue;
            }

            sb.Append(c);
        }

        throw parser.Error(offset + start, "unterminated quoted string");
    }
}
