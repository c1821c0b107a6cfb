using System.Globalization;
using System.Text;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Parsing;

namespace TovPlay.Logs.Domain.LogQL.Printing;

/// <summary>
/// Prints an AST as canonical LogQL: double-quoted strings, one space around stages and binary operators,
/// parentheses only where precedence needs them. Parsing the output gives back the same AST.
/// </summary>
public static class LogQLPrinter
{
    public static string Print(LogQLExpr expr)
    {
        var sb = new StringBuilder();
        Write(sb, expr);
        return sb.ToString();
    }

    /// <summary>A LogQL double-quoted string literal for any text.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case < ' ' or '\u007f': sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }

        return sb.Append('"').ToString();
    }

    public static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : value.ToString("R", CultureInfo.InvariantCulture);

    private static void Write(StringBuilder sb, LogQLExpr expr)
    {
        switch (expr)
        {
            case LogQueryExpr log:
                WriteLog(sb, log);
                break;
            case RangeAggregationExpr range:
                sb.Append(Keywords.NameOf(range.Operation)).Append('(');
                if (range.Parameter is { } p)
                {
                    sb.Append(Number(p)).Append(", ");
                }

                WriteRange(sb, range.Range);
                sb.Append(')');
                WriteGrouping(sb, range.Grouping, leadingSpace: true);
                break;
            case VectorAggregationExpr vector:
                sb.Append(Keywords.NameOf(vector.Operation));
                WriteGrouping(sb, vector.Grouping, leadingSpace: true);
                sb.Append(vector.Grouping is null ? "(" : " (");
                if (vector.Parameter is { } k)
                {
                    sb.Append(k.ToString(CultureInfo.InvariantCulture)).Append(", ");
                }

                Write(sb, vector.Inner);
                sb.Append(')');
                break;
            case BinaryExpr binary:
                WriteBinary(sb, binary);
                break;
            case NumberLiteralExpr number:
                sb.Append(Number(number.Value));
                break;
            case VectorExpr v:
                sb.Append("vector(").Append(Number(v.Value)).Append(')');
                break;
            case LabelReplaceExpr replace:
                sb.Append("label_replace(");
                Write(sb, replace.Inner);
                sb.Append(", ").Append(Quote(replace.Destination)).Append(", ").Append(Quote(replace.Replacement))
                    .Append(", ").Append(Quote(replace.Source)).Append(", ").Append(Quote(replace.Regex)).Append(')');
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(expr), expr.GetType().Name, "No printer for this node.");
        }
    }

    private static void WriteBinary(StringBuilder sb, BinaryExpr binary)
    {
        var precedence = Parser.Precedence(binary.Operator);
        var rightAssociative = binary.Operator == BinaryOperator.Power;
        WriteOperand(sb, binary.Left, precedence, needsParensAtEqual: rightAssociative);
        sb.Append(' ').Append(OperatorText(binary.Operator));
        if (binary.ReturnBool)
        {
            sb.Append(" bool");
        }

        if (binary.Matching is { } m)
        {
            sb.Append(m.On ? " on" : " ignoring").Append(' ');
            WriteLabelList(sb, m.Labels);
            if (m.Side != GroupSide.None)
            {
                sb.Append(m.Side == GroupSide.Left ? " group_left" : " group_right");
                if (m.Include.Count > 0)
                {
                    sb.Append(' ');
                    WriteLabelList(sb, m.Include);
                }
            }
        }

        sb.Append(' ');
        WriteOperand(sb, binary.Right, precedence, needsParensAtEqual: !rightAssociative);
    }

    private static void WriteOperand(StringBuilder sb, LogQLExpr operand, int parentPrecedence, bool needsParensAtEqual)
    {
        var parens = operand is BinaryExpr child
            && (Parser.Precedence(child.Operator) < parentPrecedence || (needsParensAtEqual && Parser.Precedence(child.Operator) == parentPrecedence));

        // A negative literal as the base of ^ prints as (-2), since -2 ^ 2 reads as -(2 ^ 2) elsewhere.
        parens |= operand is NumberLiteralExpr { Value: < 0 } && parentPrecedence == Parser.Precedence(BinaryOperator.Power);
        if (parens)
        {
            sb.Append('(');
        }

        Write(sb, operand);
        if (parens)
        {
            sb.Append(')');
        }
    }

    public static string OperatorText(BinaryOperator op) => op switch
    {
        BinaryOperator.Or => "or",
        BinaryOperator.And => "and",
        BinaryOperator.Unless => "unless",
        BinaryOperator.Equal => "==",
        BinaryOperator.NotEqual => "!=",
        BinaryOperator.Greater => ">",
        BinaryOperator.GreaterOrEqual => ">=",
        BinaryOperator.Less => "<",
        BinaryOperator.LessOrEqual => "<=",
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        BinaryOperator.Modulo => "%",
        _ => "^",
    };

    private static void WriteGrouping(StringBuilder sb, Grouping? grouping, bool leadingSpace)
    {
        if (grouping is null)
        {
            return;
        }

        if (leadingSpace)
        {
            sb.Append(' ');
        }

        sb.Append(grouping.Without ? "without " : "by ");
        WriteLabelList(sb, grouping.Labels);
    }

    private static void WriteLabelList(StringBuilder sb, IReadOnlyList<string> labels) =>
        sb.Append('(').Append(string.Join(", ", labels)).Append(')');

    private static void WriteRange(StringBuilder sb, LogRangeExpr range)
    {
        WriteLog(sb, range.Log);
        if (range.Unwrap is { } unwrap)
        {
            sb.Append(" | unwrap ");
            sb.Append(unwrap.Conversion switch
            {
                UnwrapConversion.Duration => $"duration({unwrap.Label})",
                UnwrapConversion.DurationSeconds => $"duration_seconds({unwrap.Label})",
                UnwrapConversion.Bytes => $"bytes({unwrap.Label})",
                _ => unwrap.Label,
            });
            foreach (var filter in unwrap.PostFilters)
            {
                sb.Append(" | ");
                WriteLabelFilter(sb, filter, parentIsAnd: false);
            }
        }

        if (range.Log.Pipeline.Count > 0 || range.Unwrap is not null)
        {
            sb.Append(' ');
        }

        sb.Append('[').Append(range.Range).Append(']');
        if (range.Offset is { } offset)
        {
            sb.Append(" offset ").Append(offset);
        }
    }

    private static void WriteLog(StringBuilder sb, LogQueryExpr log)
    {
        sb.Append('{');
        for (var i = 0; i < log.Selector.Matchers.Count; i++)
        {
            var m = log.Selector.Matchers[i];
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(m.Name).Append(MatchText(m.Operator)).Append(Quote(m.Value));
        }

        sb.Append('}');
        foreach (var stage in log.Pipeline)
        {
            sb.Append(' ');
            WriteStage(sb, stage);
        }
    }

    private static string MatchText(MatchOperator op) => op switch
    {
        MatchOperator.Equal => "=",
        MatchOperator.NotEqual => "!=",
        MatchOperator.Regex => "=~",
        _ => "!~",
    };

    private static void WriteStage(StringBuilder sb, PipelineStage stage)
    {
        switch (stage)
        {
            case LineFilterStage line:
                sb.Append(line.Operator switch
                {
                    LineFilterOperator.Contains => "|= ",
                    LineFilterOperator.NotContains => "!= ",
                    LineFilterOperator.Regex => "|~ ",
                    _ => "!~ ",
                });
                sb.AppendJoin(" or ", line.Values.Select(v => v.IsIp ? $"ip({Quote(v.Value)})" : Quote(v.Value)));
                break;
            case JsonParserStage json:
                sb.Append("| json");
                WriteExtractions(sb, json.Extractions);
                break;
            case LogfmtParserStage logfmt:
                sb.Append("| logfmt");
                if (logfmt.Strict)
                {
                    sb.Append(" --strict");
                }

                if (logfmt.KeepEmpty)
                {
                    sb.Append(" --keep-empty");
                }

                WriteExtractions(sb, logfmt.Extractions);
                break;
            case RegexpParserStage regexp:
                sb.Append("| regexp ").Append(Quote(regexp.Pattern));
                break;
            case PatternParserStage pattern:
                sb.Append("| pattern ").Append(Quote(pattern.Pattern));
                break;
            case UnpackParserStage:
                sb.Append("| unpack");
                break;
            case LabelFilterStage filter:
                sb.Append("| ");
                WriteLabelFilter(sb, filter.Filter, parentIsAnd: false);
                break;
            case LineFormatStage format:
                sb.Append("| line_format ").Append(Quote(format.Template));
                break;
            case LabelFormatStage format:
                sb.Append("| label_format ");
                sb.AppendJoin(", ", format.Items.Select(i => $"{i.Destination}={(i.IsTemplate ? Quote(i.Value) : i.Value)}"));
                break;
            case DropStage drop:
                sb.Append("| drop ");
                WriteSelections(sb, drop.Labels);
                break;
            case KeepStage keep:
                sb.Append("| keep ");
                WriteSelections(sb, keep.Labels);
                break;
            case DecolorizeStage:
                sb.Append("| decolorize");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(stage), stage.GetType().Name, "No printer for this stage.");
        }
    }

    private static void WriteExtractions(StringBuilder sb, IReadOnlyList<LabelExtraction> extractions)
    {
        if (extractions.Count == 0)
        {
            return;
        }

        sb.Append(' ').AppendJoin(", ", extractions.Select(e => e.Expression is null ? e.Label : $"{e.Label}={Quote(e.Expression)}"));
    }

    private static void WriteSelections(StringBuilder sb, IReadOnlyList<LabelSelection> selections) =>
        sb.AppendJoin(", ", selections.Select(s => s.Operator is { } op ? $"{s.Name}{MatchText(op)}{Quote(s.Value!)}" : s.Name));

    /// <summary>The right side of <c>a and (b and c)</c> keeps its parentheses, so the text parses back to the same tree.</summary>
    private static void WriteGrouped(StringBuilder sb, LabelFilter filter, bool grouped, bool parentIsAnd)
    {
        if (grouped)
        {
            sb.Append('(');
        }

        WriteLabelFilter(sb, filter, grouped ? false : parentIsAnd);
        if (grouped)
        {
            sb.Append(')');
        }
    }

    private static void WriteLabelFilter(StringBuilder sb, LabelFilter filter, bool parentIsAnd)
    {
        switch (filter)
        {
            case AndLabelFilter and:
                WriteLabelFilter(sb, and.Left, parentIsAnd: true);
                sb.Append(" and ");
                WriteGrouped(sb, and.Right, and.Right is AndLabelFilter, parentIsAnd: true);
                break;
            case OrLabelFilter or:
                if (parentIsAnd)
                {
                    sb.Append('(');
                }

                WriteLabelFilter(sb, or.Left, parentIsAnd: false);
                sb.Append(" or ");
                WriteGrouped(sb, or.Right, or.Right is OrLabelFilter, parentIsAnd: false);
                if (parentIsAnd)
                {
                    sb.Append(')');
                }

                break;
            case StringLabelFilter s:
                sb.Append(s.Label).Append(MatchText(s.Operator)).Append(Quote(s.Value));
                break;
            case NumberLabelFilter n:
                sb.Append(n.Label).Append(CompareText(n.Operator)).Append(Number(n.Value));
                break;
            case DurationLabelFilter d:
                sb.Append(d.Label).Append(CompareText(d.Operator)).Append(d.Value);
                break;
            case BytesLabelFilter b:
                sb.Append(b.Label).Append(CompareText(b.Operator)).Append(b.Value);
                break;
            case IpLabelFilter ip:
                sb.Append(ip.Label).Append(ip.Negated ? "!=" : "=").Append("ip(").Append(Quote(ip.Pattern)).Append(')');
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(filter), filter.GetType().Name, "No printer for this filter.");
        }
    }

    private static string CompareText(CompareOperator op) => op switch
    {
        CompareOperator.Equal => "==",
        CompareOperator.NotEqual => "!=",
        CompareOperator.Greater => ">",
        CompareOperator.GreaterOrEqual => ">=",
        CompareOperator.Less => "<",
        _ => "<=",
    };
}
