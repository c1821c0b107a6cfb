using System.Text.RegularExpressions;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Parsing;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>Evaluates metric queries over a step grid: range and vector aggregations, binary operators, literals, label_replace.</summary>
public static class MetricEvaluator
{
    public static MetricResult EvaluateRange(LogQLExpr expr, ILogStreamSource source, long startNs, long endNs, long stepNs) =>
        ToResult(expr, Evaluate(expr, source, StepGrid.Range(startNs, endNs, stepNs)), StepGrid.Range(startNs, endNs, stepNs));

    public static MetricResult EvaluateInstant(LogQLExpr expr, ILogStreamSource source, long timeNs) =>
        ToResult(expr, Evaluate(expr, source, StepGrid.Instant(timeNs)), StepGrid.Instant(timeNs));

    private static MetricResult ToResult(LogQLExpr expr, StepVector vector, StepGrid grid)
    {
        if (vector.IsScalar)
        {
            return new MetricResult([new MetricSeries(LabelSet.Empty, Points(vector.Scalar!, grid))], IsScalar: true);
        }

        var series = vector.Series
            .Select(p => new MetricSeries(p.Key, Points(p.Value, grid)))
            .Where(s => s.Points.Count > 0);

        // sort and sort_desc order an instant result by value; everything else is ordered by labels.
        series = expr is VectorAggregationExpr { Operation: VectorOperation.Sort or VectorOperation.SortDesc } sort && grid.Count == 1
            ? sort.Operation == VectorOperation.Sort ? series.OrderBy(s => s.Points[0].Value) : series.OrderByDescending(s => s.Points[0].Value)
            : series.OrderBy(s => s.Labels.ToString(), StringComparer.Ordinal);
        return new MetricResult([.. series]);
    }

    private static List<SamplePoint> Points(double[] values, StepGrid grid)
    {
        var points = new List<SamplePoint>();
        for (var k = 0; k < values.Length; k++)
        {
            if (!StepVector.IsAbsent(values[k]))
            {
                points.Add(new SamplePoint(grid.At(k), values[k]));
            }
        }

        return points;
    }

    internal static StepVector Evaluate(LogQLExpr expr, ILogStreamSource source, StepGrid grid) => expr switch
    {
        RangeAggregationExpr range => RangeAggregator.Evaluate(range, source, grid),
        VectorAggregationExpr vector => VectorAggregate(vector, Evaluate(vector.Inner, source, grid), grid),
        BinaryExpr binary => Binary(binary, Evaluate(binary.Left, source, grid), Evaluate(binary.Right, source, grid), grid),
        NumberLiteralExpr number => StepVector.OfScalar(Filled(grid.Count, number.Value)),
        VectorExpr v => StepVector.OfSeries(new Dictionary<LabelSet, double[]> { [LabelSet.Empty] = Filled(grid.Count, v.Value) }),
        LabelReplaceExpr replace => LabelReplace(replace, Evaluate(replace.Inner, source, grid)),
        LogQueryExpr => throw new EvaluationException("a log query has no metric value; use a range aggregation such as count_over_time"),
        _ => throw new EvaluationException($"{expr.GetType().Name} is not supported in metric queries"),
    };

    private static double[] Filled(int count, double value)
    {
        var values = new double[count];
        Array.Fill(values, value);
        return values;
    }

    private static StepVector VectorAggregate(VectorAggregationExpr expr, StepVector input, StepGrid grid)
    {
        if (input.IsScalar)
        {
            throw new EvaluationException($"{Keywords.NameOf(expr.Operation)} expects a vector, got a scalar");
        }

        if (expr.Operation is VectorOperation.Sort or VectorOperation.SortDesc)
        {
            return input;
        }

        var names = expr.Grouping?.Labels.ToHashSet(StringComparer.Ordinal) ?? [];
        var without = expr.Grouping?.Without ?? false;
        var groups = input.Series.GroupBy(p => expr.Grouping is null ? LabelSet.Empty : p.Key.Project(names, without)).ToList();

        if (expr.Operation is VectorOperation.Topk or VectorOperation.Bottomk)
        {
            return TopK(expr, groups, grid);
        }

        var result = new Dictionary<LabelSet, double[]>();
        foreach (var group in groups)
        {
            var values = StepVector.Empty(grid.Count);
            var members = group.Select(p => p.Value).ToArray();
            for (var k = 0; k < grid.Count; k++)
            {
                var present = members.Select(m => m[k]).Where(v => !StepVector.IsAbsent(v)).ToArray();
                if (present.Length == 0)
                {
                    continue;
                }

                values[k] = expr.Operation switch
                {
                    VectorOperation.Sum => present.Sum(),
                    VectorOperation.Avg => present.Average(),
                    VectorOperation.Min => present.Min(),
                    VectorOperation.Max => present.Max(),
                    VectorOperation.Count => present.Length,
                    VectorOperation.Stdvar => Variance(present),
                    VectorOperation.Stddev => Math.Sqrt(Variance(present)),
                    _ => throw new EvaluationException($"vector aggregation {Keywords.NameOf(expr.Operation)} is not supported"),
                };
            }

            result[group.Key] = values;
        }

        return StepVector.OfSeries(result);
    }

    private static double Variance(double[] values)
    {
        var mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / values.Length;
    }

    private static StepVector TopK(VectorAggregationExpr expr, List<IGrouping<LabelSet, KeyValuePair<LabelSet, double[]>>> groups, StepGrid grid)
    {
        var k = expr.Parameter ?? 1;
        var result = new Dictionary<LabelSet, double[]>();
        foreach (var group in groups)
        {
            var members = group.ToList();
            foreach (var member in members)
            {
                result[member.Key] = StepVector.Empty(grid.Count);
            }

            for (var step = 0; step < grid.Count; step++)
            {
                var present = members.Where(m => !StepVector.IsAbsent(m.Value[step]));
                var chosen = expr.Operation == VectorOperation.Topk
                    ? present.OrderByDescending(m => m.Value[step])
                    : present.OrderBy(m => m.Value[step]);
                foreach (var member in chosen.Take(k))
                {
                    result[member.Key][step] = member.Value[step];
                }
            }
        }

        return StepVector.OfSeries(result);
    }

    private static StepVector Binary(BinaryExpr expr, StepVector left, StepVector right, StepGrid grid)
    {
        var op = expr.Operator;
        if (left.IsScalar && right.IsScalar)
        {
            var values = new double[grid.Count];
            for (var k = 0; k < values.Length; k++)
            {
                values[k] = Apply(op, left.Scalar![k], right.Scalar![k], expr.ReturnBool, out var keep) is var v && keep ? v : StepVector.Absent;
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

    private static StepVector LabelReplace(LabelReplaceExpr expr, StepVector input)
    {
        if (input.IsScalar)
        {
            throw new EvaluationException("label_replace expects a vector, got a scalar");
        }

        RegexSyntax.TryTranslate(expr.Regex, out var translated, out _);
        var regex = new Regex($"^(?:{translated})$", RegexOptions.CultureInvariant | RegexOptions.Singleline);
        var result = new Dictionary<LabelSet, double[]>();
        foreach (var (labels, values) in input.Series)
        {
            var match = regex.Match(labels[expr.Source] ?? "");
            var output = labels;
            if (match.Success)
            {
                var replaced = match.Result(expr.Replacement);
                output = replaced.Length == 0 ? labels.Without(expr.Destination) : labels.With(expr.Destination, replaced);
            }

            result[output] = values;
        }

        return StepVector.OfSeries(result);
    }
}
