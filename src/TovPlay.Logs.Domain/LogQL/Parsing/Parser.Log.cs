using System.Globalization;
using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.LogQL.Parsing;

/// <summary>Stream selectors and log pipelines.</summary>
internal sealed partial class Parser
{
    private static readonly string[] s_stageNames =
        ["json", "logfmt", "regexp", "pattern", "unpack", "line_format", "label_format", "drop", "keep", "decolorize", "unwrap"];

    private (LogQueryExpr Log, UnwrapExpr? Unwrap) ParseLogQuery(bool allowUnwrap)
    {
        var selector = ParseSelector();
        var (stages, unwrap) = ParsePipeline(allowUnwrap);
        return (new LogQueryExpr(selector, stages), unwrap);
    }

    private StreamSelector ParseSelector()
    {
        Expect(TokenKind.OpenBrace);
        var matchers = new List<LabelMatcher>();
        if (At(TokenKind.CloseBrace))
        {
            throw Unexpected(["IDENTIFIER"], "a stream selector needs at least one matcher, e.g. {job=\"tovplay-backend\"}");
        }

        do
        {
            matchers.Add(ParseMatcher());
        }
        while (TryTake(TokenKind.Comma));

        if (!At(TokenKind.CloseBrace))
        {
            throw Unexpected(["}", ","], At(TokenKind.End) ? "close the stream selector with }" : null);
        }

        var close = Take();
        if (matchers.All(MatchesEmpty))
        {
            throw Error(close, "queries require at least one regexp or equality matcher that does not have an empty-compatible value. " +
                "For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will");
        }

        return new StreamSelector(new ValueList<LabelMatcher>(matchers));
    }

    /// <summary>True when the matcher also selects streams that lack the label, so it cannot narrow a query alone.</summary>
    internal static bool MatchesEmpty(LabelMatcher m) => m.Operator switch
    {
        MatchOperator.Equal => m.Value.Length == 0,
        MatchOperator.NotEqual => m.Value.Length > 0,
        _ => RegexSyntax.BuildWhole(RegexSyntax.Translate(m.Value)).IsMatch("") == (m.Operator == MatchOperator.Regex),
    };

    private LabelMatcher ParseMatcher()
    {
        var name = ExpectLabelName();
        var opToken = Current;
        MatchOperator op = opToken.Kind switch
        {
            TokenKind.Equal => MatchOperator.Equal,
            TokenKind.NotEqual => MatchOperator.NotEqual,
            TokenKind.RegexMatch => MatchOperator.Regex,
            TokenKind.RegexNotMatch => MatchOperator.NotRegex,
            _ => throw Unexpected(["=", "!=", "=~", "!~"], opToken.Kind == TokenKind.EqualEqual ? "a stream matcher uses = , not ==" : null),
        };
        Take();
        if (!At(TokenKind.String))
        {
            throw Unexpected(["STRING"], At(TokenKind.Identifier) || At(TokenKind.Number) ? $"quote the value: {name}{opToken.Text}\"{Current.Text}\"" : null);
        }

        var value = Take();
        if (op is MatchOperator.Regex or MatchOperator.NotRegex)
        {
            RequireRegex(value);
        }

        return new LabelMatcher(name, op, value.Value);
    }

    private void RequireRegex(Token value)
    {
        if (!RegexSyntax.TryCompile(value.Value, out _, out var error))
        {
            throw Error(value, $"invalid regex {Quote(value.Value)}: {error}");
        }
    }

    private static string Quote(string value) => Printing.LogQLPrinter.Quote(value);

    private bool AtPipelineStage() =>
        Current.Kind is TokenKind.Pipe or TokenKind.PipeExact or TokenKind.PipeMatch or TokenKind.NotEqual or TokenKind.RegexNotMatch;

    private (ValueList<PipelineStage> Stages, UnwrapExpr? Unwrap) ParsePipeline(bool allowUnwrap)
    {
        var stages = new List<PipelineStage>();
        UnwrapExpr? unwrap = null;
        var postFilters = new List<LabelFilter>();
        while (AtPipelineStage())
        {
            var start = Current;
            if (unwrap is not null)
            {
                // After unwrap only label filters may follow (typically | __error__="").
                if (start.Kind != TokenKind.Pipe || PeekToken().Kind != TokenKind.Identifier || s_stageNames.Contains(PeekToken().Text))
                {
                    throw Error(start, "syntax error: only label filters may follow unwrap (hint: put parsers and line filters before | unwrap)");
                }

                Take();
                postFilters.Add(ParseLabelFilterOr());
                continue;
            }

            if (start.Kind != TokenKind.Pipe)
            {
                stages.Add(ParseLineFilter());
                continue;
            }

            Take();
            var word = Current;
            if (word.Kind == TokenKind.Identifier && string.Equals(word.Text, "unwrap", StringComparison.OrdinalIgnoreCase))
            {
                if (!allowUnwrap)
                {
                    throw Error(word, "syntax error: unwrap is only valid inside a range aggregation (hint: e.g. sum_over_time({job=\"x\"} | json | unwrap duration_ms [5m]))");
                }

                unwrap = ParseUnwrap();
                continue;
            }

            stages.Add(ParseStage());
        }

        if (unwrap is not null)
        {
            unwrap = unwrap with { PostFilters = new ValueList<LabelFilter>(postFilters) };
        }

        return (new ValueList<PipelineStage>(stages), unwrap);
    }

    private LineFilterStage ParseLineFilter()
    {
        var opToken = Take();
        var op = opToken.Kind switch
        {
            TokenKind.PipeExact => LineFilterOperator.Contains,
            TokenKind.NotEqual => LineFilterOperator.NotContains,
            TokenKind.PipeMatch => LineFilterOperator.Regex,
            _ => LineFilterOperator.NotRegex,
        };
        var values = new List<LineFilterValue> { ParseLineFilterValue(op) };
        while (AtWord("or") && (PeekToken().Kind == TokenKind.String
            || (PeekToken().Kind == TokenKind.Identifier && string.Equals(PeekToken().Text, "ip", StringComparison.OrdinalIgnoreCase))))
        {
            Take();
            values.Add(ParseLineFilterValue(op));
        }

        return new LineFilterStage(op, new ValueList<LineFilterValue>(values));
    }

    private LineFilterValue ParseLineFilterValue(LineFilterOperator op)
    {
        if (AtWord("ip"))
        {
            var ip = Take();
            if (op is LineFilterOperator.Regex or LineFilterOperator.NotRegex)
            {
                throw Error(ip, "syntax error: ip() can only be used with |= and != line filters");
            }

            var pattern = ParseIpArgument(ip);
            return new LineFilterValue(pattern, IsIp: true);
        }

        if (!At(TokenKind.String))
        {
            throw Unexpected(["STRING"], At(TokenKind.Identifier) ? $"quote the text: \"{Current.Text}\"" : null);
        }

        var value = Take();
        if (op is LineFilterOperator.Regex or LineFilterOperator.NotRegex)
        {
            RequireRegex(value);
        }

        return new LineFilterValue(value.Value);
    }

    private string ParseIpArgument(Token ip)
    {
        Expect(TokenKind.OpenParen);
        var value = Expect(TokenKind.String);
        Expect(TokenKind.CloseParen);
        if (!IpPattern.IsValid(value.Value))
        {
            throw Error(value, $"invalid ip pattern {Quote(value.Value)} (hint: an address, a range a-b, or a CIDR such as 10.0.0.0/8)");
        }

        return value.Value;
    }

    private PipelineStage ParseStage()
    {
        var word = Current;
        if (word.Kind != TokenKind.Identifier && word.Kind != TokenKind.OpenParen)
        {
            throw Unexpected(["IDENTIFIER", "a parser", "(" ], At(TokenKind.String) ? "a line filter is written |= \"text\", without a space after |" : null);
        }

        if (word.Kind == TokenKind.Identifier && IsStageWord(word.Text))
        {
            Take();
            return word.Text.ToLowerInvariant() switch
            {
                "json" => new JsonParserStage(ParseExtractions(allowBare: true)),
                "logfmt" => ParseLogfmt(),
                "regexp" => ParseRegexpStage(),
                "pattern" => ParsePatternStage(),
                "unpack" => new UnpackParserStage(),
                "line_format" => new LineFormatStage(ParseTemplate(word)),
                "label_format" => ParseLabelFormat(),
                "drop" => new DropStage(ParseLabelSelections(word)),
                "keep" => new KeepStage(ParseLabelSelections(word)),
                _ => new DecolorizeStage(),
            };
        }

        return new LabelFilterStage(ParseLabelFilterOr());
    }

    /// <summary>Stage names are reserved words: <c>| keep="x"</c> is a malformed keep stage, not a filter on a label called keep.</summary>
    private static bool IsStageWord(string text) => s_stageNames.Contains(text, StringComparer.OrdinalIgnoreCase);

    private ValueList<LabelExtraction> ParseExtractions(bool allowBare)
    {
        var items = new List<LabelExtraction>();
        if (!At(TokenKind.Identifier) || AtWord("or") || AtWord("and"))
        {
            return ValueList<LabelExtraction>.Empty;
        }

        do
        {
            var label = ExpectLabelName();
            string? expression = null;
            if (TryTake(TokenKind.Equal))
            {
                expression = Expect(TokenKind.String, $"write {label}=\"field.path\"").Value;
            }
            else if (!allowBare)
            {
                throw Unexpected(["="]);
            }

            items.Add(new LabelExtraction(label, expression));
        }
        while (TryTake(TokenKind.Comma));

        return new ValueList<LabelExtraction>(items);
    }

    private LogfmtParserStage ParseLogfmt()
    {
        bool strict = false, keepEmpty = false;
        while (At(TokenKind.Flag))
        {
            var flag = Take();
            switch (flag.Text)
            {
                case "--strict": strict = true; break;
                case "--keep-empty": keepEmpty = true; break;
                default: throw Error(flag, $"syntax error: unknown logfmt flag {flag.Text} (hint: logfmt accepts --strict and --keep-empty)");
            }
        }

        return new LogfmtParserStage(strict, keepEmpty, ParseExtractions(allowBare: true));
    }

    private RegexpParserStage ParseRegexpStage()
    {
        var pattern = Expect(TokenKind.String, "regexp takes a pattern with named groups, e.g. regexp \"(?P<method>\\\\w+)\"");
        if (!RegexSyntax.TryCompile(pattern.Value, out var regex, out var error))
        {
            throw Error(pattern, $"invalid regex {Quote(pattern.Value)}: {error}");
        }

        if (regex.GetGroupNames().All(n => int.TryParse(n, out _)))
        {
            throw Error(pattern, "regexp needs at least one named group, e.g. (?P<method>\\w+)");
        }

        return new RegexpParserStage(pattern.Value);
    }

    private PatternParserStage ParsePatternStage()
    {
        var pattern = Expect(TokenKind.String, "pattern takes a string such as \"<ip> - - <_> <status>\"");
        if (!PatternSyntax.TryValidate(pattern.Value, out var error))
        {
            throw Error(pattern, $"invalid pattern {Quote(pattern.Value)}: {error}");
        }

        return new PatternParserStage(pattern.Value);
    }

    private string ParseTemplate(Token word)
    {
        var template = Expect(TokenKind.String, $"{word.Text} takes a template string, e.g. {word.Text} \"{{{{.method}}}} {{{{.path}}}}\"");
        if (!TemplateSyntax.TryValidate(template.Value, out var error))
        {
            throw Error(template, $"invalid template {Quote(template.Value)} in {word.Text}: {error}");
        }

        return template.Value;
    }

    private LabelFormatStage ParseLabelFormat()
    {
        var items = new List<LabelFormatItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            var destination = Current;
            var name = ExpectLabelName();
            Expect(TokenKind.Equal, $"write {name}=other_label or {name}=\"{{{{.template}}}}\"");
            LabelFormatItem item;
            if (At(TokenKind.String))
            {
                var template = Take();
                if (!TemplateSyntax.TryValidate(template.Value, out var error))
                {
                    throw Error(template, $"invalid template {Quote(template.Value)} in label_format: {error}");
                }

                item = new LabelFormatItem(name, template.Value, IsTemplate: true);
            }
            else
            {
                item = new LabelFormatItem(name, ExpectLabelName(), IsTemplate: false);
            }

            if (!seen.Add(name))
            {
                throw Error(destination, $"multiple label name '{name}' not allowed in a single format operation");
            }

            items.Add(item);
        }
        while (TryTake(TokenKind.Comma));

        return new LabelFormatStage(new ValueList<LabelFormatItem>(items));
    }

    private ValueList<LabelSelection> ParseLabelSelections(Token word)
    {
        var items = new List<LabelSelection>();
        if (!At(TokenKind.Identifier))
        {
            throw Unexpected(["IDENTIFIER"], $"{word.Text} takes label names, e.g. {word.Text} method, status");
        }

        do
        {
            var name = ExpectLabelName();
            MatchOperator? op = Current.Kind switch
            {
                TokenKind.Equal => MatchOperator.Equal,
                TokenKind.NotEqual => MatchOperator.NotEqual,
                TokenKind.RegexMatch => MatchOperator.Regex,
                TokenKind.RegexNotMatch => MatchOperator.NotRegex,
                _ => null,
            };
            string? value = null;
            if (op is not null)
            {
                Take();
                var valueToken = Expect(TokenKind.String);
                if (op is MatchOperator.Regex or MatchOperator.NotRegex)
                {
                    RequireRegex(valueToken);
                }

                value = valueToken.Value;
            }

            items.Add(new LabelSelection(name, op, value));
        }
        while (TryTake(TokenKind.Comma));

        return new ValueList<LabelSelection>(items);
    }

    private UnwrapExpr ParseUnwrap()
    {
        Take();
        var conversion = UnwrapConversion.None;
        string label;
        if ((AtWord("duration") || AtWord("duration_seconds") || AtWord("bytes")) && PeekToken().Kind == TokenKind.OpenParen)
        {
            conversion = Take().Text.ToLowerInvariant() switch
            {
                "duration" => UnwrapConversion.Duration,
                "duration_seconds" => UnwrapConversion.DurationSeconds,
                _ => UnwrapConversion.Bytes,
            };
            Expect(TokenKind.OpenParen);
            label = ExpectLabelName();
            Expect(TokenKind.CloseParen);
        }
        else
        {
            if (At(TokenKind.Identifier) && PeekToken().Kind == TokenKind.OpenParen)
            {
                throw Error(Current, $"syntax error: unknown unwrap conversion {Current.Text} (hint: use duration(), duration_seconds() or bytes())");
            }

            label = ExpectLabelName();
        }

        return new UnwrapExpr(label, conversion, ValueList<LabelFilter>.Empty);
    }

    // ---- label filters: or < and (also ",") < atoms ------------------------------------------

    private LabelFilter ParseLabelFilterOr()
    {
        var left = ParseLabelFilterAnd();
        while (AtWord("or"))
        {
            CountOperator(Take());
            left = new OrLabelFilter(left, ParseLabelFilterAnd());
        }

        return left;
    }

    /// <summary>
    /// <c>a and b</c>, <c>a, b</c> and, as Loki's grammar also allows, <c>a b</c>: one filter written straight after
    /// another (a label name or a parenthesis where an operator could stand) is an and.
    /// </summary>
    private LabelFilter ParseLabelFilterAnd()
    {
        var left = ParseLabelFilterAtom();
        while (true)
        {
            if (AtWord("and") || At(TokenKind.Comma))
            {
                CountOperator(Take());
            }
            else if (!AtAnotherLabelFilter())
            {
                return left;
            }
            else
            {
                CountOperator(Current);
            }

            left = new AndLabelFilter(left, ParseLabelFilterAtom());
        }
    }

    private bool AtAnotherLabelFilter() =>
        At(TokenKind.OpenParen)
        || (At(TokenKind.Identifier) && !Keywords.IsReserved(Current.Text) && PeekToken().Kind is TokenKind.Equal or TokenKind.NotEqual
            or TokenKind.RegexMatch or TokenKind.RegexNotMatch or TokenKind.Greater or TokenKind.GreaterOrEqual or TokenKind.Less
            or TokenKind.LessOrEqual or TokenKind.EqualEqual);

    private LabelFilter ParseLabelFilterAtom()
    {
        if (TryTake(TokenKind.OpenParen))
        {
            Nest();
            var inner = ParseLabelFilterOr();
            Expect(TokenKind.CloseParen);
            _nesting--;
            return inner;
        }

        if (!At(TokenKind.Identifier) || Keywords.IsReserved(Current.Text))
        {
            throw Unexpected(["IDENTIFIER", "("]);
        }

        var labelToken = Current;
        var label = Take().Text;
        var opToken = Current;
        if (opToken.Kind is TokenKind.RegexMatch or TokenKind.RegexNotMatch)
        {
            Take();
            var value = Expect(TokenKind.String);
            RequireRegex(value);
            return new StringLabelFilter(label, opToken.Kind == TokenKind.RegexMatch ? MatchOperator.Regex : MatchOperator.NotRegex, value.Value);
        }

        CompareOperator? compare = opToken.Kind switch
        {
            TokenKind.Equal or TokenKind.EqualEqual => CompareOperator.Equal,
            TokenKind.NotEqual => CompareOperator.NotEqual,
            TokenKind.Greater => CompareOperator.Greater,
            TokenKind.GreaterOrEqual => CompareOperator.GreaterOrEqual,
            TokenKind.Less => CompareOperator.Less,
            TokenKind.LessOrEqual => CompareOperator.LessOrEqual,
            _ => null,
        };
        if (compare is null)
        {
            var stage = Suggestions.Closest(label, s_stageNames);
            throw Unexpected(["=", "!=", "=~", "!~", ">", ">=", "<", "<=", "=="],
                stage is not null ? $"did you mean the {stage} stage?" : "a label filter compares a label, e.g. | status >= 500");
        }

        Take();
        return ParseLabelFilterValue(label, compare.Value, opToken);
    }

    private LabelFilter ParseLabelFilterValue(string label, CompareOperator op, Token opToken)
    {
        if (At(TokenKind.String))
        {
            var value = Take();
            if (op is not (CompareOperator.Equal or CompareOperator.NotEqual) || opToken.Kind == TokenKind.EqualEqual)
            {
                throw Error(opToken, $"syntax error: a string can only be compared with =, !=, =~ or !~ (hint: remove the quotes to compare {label} as a number)");
            }

            return new StringLabelFilter(label, op == CompareOperator.Equal ? MatchOperator.Equal : MatchOperator.NotEqual, value.Value);
        }

        if (AtWord("ip"))
        {
            var ip = Take();
            if (op is not (CompareOperator.Equal or CompareOperator.NotEqual) || opToken.Kind == TokenKind.EqualEqual)
            {
                throw Error(opToken, "syntax error: ip() can only be compared with = or !=");
            }

            return new IpLabelFilter(label, op == CompareOperator.NotEqual, ParseIpArgument(ip));
        }

        var negative = TryTake(TokenKind.Minus);
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                Take();
                var number = double.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture);
                return new NumberLabelFilter(label, op, negative ? -number : number);
            case TokenKind.Duration when !negative:
                Take();
                LogQLDuration.TryParse(token.Text, out var duration);
                return new DurationLabelFilter(label, op, duration);
            case TokenKind.Bytes when !negative:
                Take();
                LogQLBytes.TryParse(token.Text, out var bytes);
                return new BytesLabelFilter(label, op, bytes);
            default:
                // Loki's parser lists what it expected only when that is at most four tokens: after = and != it
                // would be five (a string, a number, a duration, bytes, ip), so it lists none.
                throw Unexpected(negative ? ["NUMBER"] : opToken.Kind is TokenKind.Equal or TokenKind.NotEqual ? [] : ["BYTES", "NUMBER", "DURATION"],
                    token.Kind == TokenKind.Identifier ? $"quote the value: {label}{opToken.Text}\"{token.Text}\"" : null);
        }
    }
}
