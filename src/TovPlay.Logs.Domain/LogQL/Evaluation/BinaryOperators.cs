using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Parsing;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>
/// Binary operators with Prometheus semantics: scalar/scalar, vector/scalar, vector/vector matching (one-to-one,
/// on/ignoring, group_left/group_right), comparisons that filter or return 0/1 with bool, and the set operators.
/// </summary>
internal static class BinaryOperators
{
    public static StepVector Evaluate(BinaryExpr expr, StepVector left, StepVector right, StepGrid grid)
    {
        var op = expr.Operator;
        if (left.IsScalar && right.IsScalar)
        {
            // Two numbers: a comparison is 1 or 0 with or without bool, as Loki folds 1 > 1 into the literal 0.
            var values = new double[grid.Count];
            for (var k = 0; k < values.Length; k++)
            {
                values[k] = Apply(op, left.Scalar![k], right.Scalar![k], returnBool: true, out _);
            }

            return StepVector.OfScalar(values);
        }

        if (Parser.Precedence(op) <= 1)
        {
            return SetOperation(expr, left, right, grid);
        }

        if (left.IsScalar || right.IsScalar)
        {
            var vector = left.IsScalar ? right : left;
            var scalar = left.IsScalar ? left.Scalar! : right.Scalar!;
            var result = new Dictionary<LabelSet, double[]>();
            foreach (var (labels, values) in vector.Series)
            {
                var output = StepVector.Empty(grid.Count);
                for (var k = 0; k < grid.Count; k++)
                {
                    if (StepVector.IsAbsent(values[k]))
                    {
                        continue;
                    }

                    var (a, b) = left.IsScalar ? (scalar[k], values[k]) : (values[k], scalar[k]);
                    var v = Apply(op, a, b, expr.ReturnBool, out var keep);
                    if (keep)
                    {
                        // A filtering comparison keeps the vector's own sample, whichever side it is on.
                        output[k] = Parser.IsComparison(op) && !expr.ReturnBool ? values[k] : v;
                    }
                }

                result[labels] = output;
            }

            return StepVector.OfSeries(result);
        }

        return VectorVector(expr, left, right, grid);
    }

    private static StepVector VectorVector(BinaryExpr expr, StepVector left, StepVector right, StepGrid grid)
    {
        var matching = expr.Matching;
        var side = matching?.Side ?? GroupSide.None;
        LabelSet Key(LabelSet labels) => matching is null
            ? labels
            : labels.Project(matching.Labels.ToHashSet(StringComparer.Ordinal), without: !matching.On);

        var (many, one) = side == GroupSide.Right ? (right, left) : (left, right);
        var oneByKey = new Dictionary<LabelSet, (LabelSet Labels, double[] Values)>();
        foreach (var (labels, values) in one.Series)
        {
            if (!oneByKey.TryAdd(Key(labels), (labels, values)))
            {
                throw new EvaluationException($"found duplicate series for the match group {Key(labels)} on the {(side == GroupSide.Right ? "left" : "right")} hand-side of the operation; many-to-many matching not allowed: matching labels must be unique on one side");
            }
        }

        if (side == GroupSide.None)
        {
            var seen = new HashSet<LabelSet>();
            foreach (var labels in many.Series.Keys)
            {
                if (!seen.Add(Key(labels)))
                {
                    throw new EvaluationException($"found duplicate series for the match group {Key(labels)} on the left hand-side of the operation; many-to-one matching must be explicit (group_left/group_right)");
                }
            }
        }

        var result = new Dictionary<LabelSet, double[]>();
        foreach (var (labels, values) in many.Series)
        {
            if (!oneByKey.TryGetValue(Key(labels), out var partner))
            {
                continue;
            }

            var output = StepVector.Empty(grid.Count);
            for (var k = 0; k < grid.Count; k++)
            {
                if (StepVector.IsAbsent(values[k]) || StepVector.IsAbsent(partner.Values[k]))
                {
                    continue;
                }

                var (a, b) = side == GroupSide.Right ? (partner.Values[k], values[k]) : (values[k], partner.Values[k]);
                var v = Apply(expr.Operator, a, b, expr.ReturnBool, out var keep);
                if (keep)
                {
                    output[k] = Parser.IsComparison(expr.Operator) && !expr.ReturnBool ? a : v;
                }
            }

            var resultLabels = ResultLabels(labels, partner.Labels, matching, side);
            if (!result.TryAdd(resultLabels, output))
            {
                throw new EvaluationException($"multiple matches for labels {resultLabels}: grouping labels must ensure unique matches");
            }
        }

        return StepVector.OfSeries(result);
    }

    /// <summary>As Prometheus: one-to-one with <c>on</c> keeps only the matching labels, with <c>ignoring</c> drops them; group_x keeps the many side's labels plus the included ones.</summary>
    private static LabelSet ResultLabels(LabelSet many, LabelSet one, VectorMatching? matching, GroupSide side)
    {
        if (matching is null)
        {
            return many;
        }

        if (side == GroupSide.None)
        {
            return many.Project(matching.Labels.ToHashSet(StringComparer.Ordinal), without: !matching.On);
        }

        var labels = many;
        foreach (var name in matching.Include)
        {
            labels = one[name] is { } value ? labels.With(name, value) : labels.Without(name);
        }

        return labels;
    }

    private static StepVector SetOperation(BinaryExpr expr, StepVector left, StepVector right, StepGrid grid)
    {
        var matching = expr.Matching;
        LabelSet Key(LabelSet labels) => matching is null ? labels : labels.Project(matching.Labels.ToHashSet(StringComparer.Ordinal), without: !matching.On);

        var rightByKey = right.Series.GroupBy(p => Key(p.Key)).ToDictionary(g => g.Key, g => g.Select(p => p.Value).ToArray());
        var result = new Dictionary<LabelSet, double[]>();
        foreach (var (labels, values) in left.Series)
        {
            rightByKey.TryGetValue(Key(labels), out var partners);
            var output = StepVector.Empty(grid.Count);
            for (var k = 0; k < grid.Count; k++)
            {
                var partnerPresent = partners?.Any(p => !StepVector.IsAbsent(p[k])) == true;
                var keep = expr.Operator switch
                {
                    BinaryOperator.And => partnerPresent,
                    BinaryOperator.Unless => !partnerPresent,
                    _ => true,
                };
                if (keep)
                {
                    output[k] = values[k];
                }
            }

            result[labels] = output;
        }

        if (expr.Operator == BinaryOperator.Or)
        {
            // A right-hand series fills only the steps where no left series of its match group has a value.
            var leftPresent = left.Series.GroupBy(p => Key(p.Key)).ToDictionary(
                g => g.Key,
                g => Enumerable.Range(0, grid.Count).Select(k => g.Any(p => !StepVector.IsAbsent(p.Value[k]))).ToArray());
            foreach (var (labels, values) in right.Series)
            {
                if (result.ContainsKey(labels))
                {
                    continue;
                }

                leftPresent.TryGetValue(Key(labels), out var present);
                var output = StepVector.Empty(grid.Count);
                for (var k = 0; k < grid.Count; k++)
                {
                    if (present is null || !present[k])
                    {
                        output[k] = values[k];
                    }
                }

                result[labels] = output;
            }
        }

        return StepVector.OfSeries(result);
    }

    private static double Apply(BinaryOperator op, double a, double b, bool returnBool, out bool keep)
    {
        keep = true;
        switch (op)
        {
            case BinaryOperator.Add: return a + b;
            case BinaryOperator.Subtract: return a - b;
            case BinaryOperator.Multiply: return a * b;
            case BinaryOperator.Divide: return a / b;
            case BinaryOperator.Modulo: return a % b;
            case BinaryOperator.Power: return Math.Pow(a, b);
        }

        var truth = op switch
        {
            BinaryOperator.Equal => a == b,
            BinaryOperator.NotEqual => a != b,
            BinaryOperator.Greater => a > b,
            BinaryOperator.GreaterOrEqual => a >= b,
            BinaryOperator.Less => a < b,
            BinaryOperator.LessOrEqual => a <= b,
            _ => throw new EvaluationException($"operator {op} is not supported here"),
        };
        if (returnBool)
        {
            return truth ? 1 : 0;
        }

        keep = truth;
        return a;
    }
}
