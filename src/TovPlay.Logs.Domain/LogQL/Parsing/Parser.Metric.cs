using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.LogQL.Parsing;

/// <summary>Range and vector aggregations.</summary>
internal sealed partial class Parser
{
    private LogQLExpr ParseRangeAggregation(RangeOperation op)
    {
        var name = Take();
        Expect(TokenKind.OpenParen, $"{name.Text} takes a log range, e.g. {name.Text}({{job=\"x\"}}[5m])");
        double? parameter = null;
        if (op == RangeOperation.QuantileOverTime)
        {
            if (Current.Kind is not (TokenKind.Number or TokenKind.Minus or TokenKind.Plus))
            {
                throw Error(name, "syntax error: quantile_over_time takes a number first, e.g. quantile_over_time(0.99, ...)");
            }

            parameter = ((NumberLiteralExpr)ParseUnary()).Value;
            Expect(TokenKind.Comma);
        }
        else if (At(TokenKind.Number))
        {
            throw Unexpected(["{", "("], $"{name.Text} takes no parameter");
        }

        var range = ParseLogRange(name);
        Expect(TokenKind.CloseParen);
        var grouping = ParseOptionalGrouping();
        ValidateRangeAggregation(name, op, range, grouping);
        return new RangeAggregationExpr(op, range, parameter, grouping);
    }

    /// <summary>Loki's rules: which operations need unwrap, which refuse it, which may be grouped.</summary>
    private static void ValidateRangeAggregation(Token name, RangeOperation op, LogRangeExpr range, Grouping? grouping)
    {
        var unwrapped = op is RangeOperation.SumOverTime or RangeOperation.AvgOverTime or RangeOperation.MinOverTime or RangeOperation.MaxOverTime
            or RangeOperation.StddevOverTime or RangeOperation.StdvarOverTime or RangeOperation.QuantileOverTime
            or RangeOperation.FirstOverTime or RangeOperation.LastOverTime;
        var countsLines = op is RangeOperation.CountOverTime or RangeOperation.BytesOverTime or RangeOperation.BytesRate;
        if (range.Unwrap is null && (unwrapped || op == RangeOperation.RateCounter))
        {
            throw Error(name, $"invalid aggregation {name.Text} without unwrap (hint: add | unwrap <label> before the range)");
        }

        if (range.Unwrap is not null && countsLines)
        {
            throw Error(name, $"invalid aggregation {name.Text} with unwrap (hint: {name.Text} counts lines; use sum_over_time to add unwrapped values)");
        }

        if (grouping is not null && !(unwrapped && op != RangeOperation.SumOverTime))
        {
            throw Error(name, $"grouping not allowed for {name.Text} aggregation (hint: group outside it, e.g. sum by (level) ({name.Text}(...)))");
        }
    }

    /// <summary>
    /// The log range, in any of the shapes Loki takes: <c>{..} | p [5m]</c>, <c>{..}[5m] | p</c>,
    /// <c>({..} | p)[5m]</c> and <c>({..} | p [5m])</c>, each with an optional <c>offset</c>.
    /// </summary>
    private LogRangeExpr ParseLogRange(Token function)
    {
        if (At(TokenKind.OpenParen))
        {
            Take();
            var (log, unwrap, range) = ParseLogAndOptionalRange(function);
            Expect(TokenKind.CloseParen);
            return range ?? ParseRangeSuffix(function, log, unwrap);
        }

        if (!At(TokenKind.OpenBrace))
        {
            throw Unexpected(["{"], $"{function.Text} works on a log query, e.g. {function.Text}({{job=\"x\"}}[5m])");
        }

        var (query, unwrapped) = ParseLogQuery(allowUnwrap: true);
        return ParseRangeSuffix(function, query, unwrapped);
    }

    private (LogQueryExpr Log, UnwrapExpr? Unwrap, LogRangeExpr? Range) ParseLogAndOptionalRange(Token function)
    {
        if (At(TokenKind.OpenParen))
        {
            Take();
            Nest();
            var inner = ParseLogAndOptionalRange(function);
            Expect(TokenKind.CloseParen);
            _nesting--;
            return inner;
        }

        if (!At(TokenKind.OpenBrace))
        {
            throw Unexpected(["{"], $"{function.Text} works on a log query, e.g. {function.Text}({{job=\"x\"}}[5m])");
        }

        var (log, unwrap) = ParseLogQuery(allowUnwrap: true);
        return At(TokenKind.OpenBracket) ? (log, unwrap, ParseRangeSuffix(function, log, unwrap)) : (log, unwrap, null);
    }

    private LogRangeExpr ParseRangeSuffix(Token function, LogQueryExpr log, UnwrapExpr? unwrap)
    {
        if (!At(TokenKind.OpenBracket))
        {
            throw Unexpected(["[", "|"], $"{function.Text} needs a range, e.g. {function.Text}({{job=\"x\"}}[5m])");
        }

        var rangeToken = Take();
        if (!At(TokenKind.Duration))
        {
            throw Unexpected(["DURATION"], At(TokenKind.Number) ? $"give the range a unit, e.g. [{Current.Text}m]" : null);
        }

        var rangeText = Take();
        if (!LogQLDuration.IsPrometheusStyle(rangeText.Text))
        {
            throw Error(rangeText, $"not a valid duration string: \"{rangeText.Text}\"");
        }

        LogQLDuration.TryParse(rangeText.Text, out var range);
        Expect(TokenKind.CloseBracket);
        if (range.Nanoseconds <= 0)
        {
            throw Error(rangeToken, "syntax error: the range must be greater than zero");
        }

        // Loki also accepts the pipeline after the range: {job="x"}[5m] | json.
        if (AtPipelineStage())
        {
            if (log.Pipeline.Count > 0 || unwrap is not null)
            {
                throw Error(Current, "syntax error: the pipeline goes either before or after the range, not both");
            }

            var (stages, lateUnwrap) = ParsePipeline(allowUnwrap: true);
            log = log with { Pipeline = stages };
            unwrap = lateUnwrap;
        }

        LogQLDuration? offset = null;
        if (TryTakeWord("offset"))
        {
            if (!At(TokenKind.Duration))
            {
                throw Unexpected(["DURATION"]);
            }

            LogQLDuration.TryParse(Take().Text, out var parsed);
            offset = parsed;
        }

        return new LogRangeExpr(log, range, offset, unwrap);
    }

    private Grouping? ParseOptionalGrouping()
    {
        if (!AtWord("by") && !AtWord("without"))
        {
            return null;
        }

        var without = string.Equals(Take().Text, "without", StringComparison.OrdinalIgnoreCase);
        return new Grouping(without, ParseLabelList());
    }

    private LogQLExpr ParseVectorAggregation(VectorOperation op)
    {
        var name = Take();
        var grouping = ParseOptionalGrouping();
        Expect(TokenKind.OpenParen);
        int? parameter = null;
        if (op is VectorOperation.Topk or VectorOperation.Bottomk)
        {
            var k = Current;
            if (!At(TokenKind.Number))
            {
                throw Unexpected(["NUMBER"], $"{name.Text} takes how many series to keep first, e.g. {name.Text}(5, ...)");
            }

            Take();
            if (!int.TryParse(k.Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) || count <= 0)
            {
                throw Error(k, $"syntax error: {name.Text} needs a whole number greater than zero, got {k.Text}");
            }

            parameter = count;
            Expect(TokenKind.Comma);
        }

        var innerToken = Current;
        var inner = ParseExpr();
        if (inner is LogQueryExpr)
        {
            throw Error(innerToken, $"syntax error: {name.Text} needs a metric expression, not a log query (hint: count the lines, e.g. {name.Text}(count_over_time({{job=\"x\"}}[5m])))");
        }

        if (At(TokenKind.Comma))
        {
            throw Error(Current, $"syntax error: {name.Text} takes a single expression" +
                (op is VectorOperation.Topk or VectorOperation.Bottomk ? "" : " (hint: only topk and bottomk take a parameter)"));
        }

        if (!At(TokenKind.CloseParen))
        {
            throw Unexpected([")", .. ExpectationAfterExpression(inner)]);
        }

        Take();
        if (ParseOptionalGrouping() is { } after)
        {
            if (grouping is not null)
            {
                throw Error(name, "syntax error: grouping given twice, before and after the arguments");
            }

            grouping = after;
        }

        if (grouping is not null && op is VectorOperation.Sort or VectorOperation.SortDesc)
        {
            throw Error(name, $"syntax error: {name.Text} does not take by or without");
        }

        return new VectorAggregationExpr(op, inner, parameter, grouping);
    }
}
