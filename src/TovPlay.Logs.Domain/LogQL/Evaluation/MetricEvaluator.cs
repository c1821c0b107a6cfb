using System.Text.RegularExpressions;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Parsing;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>Evaluates metric queries over a step grid: range and vector aggregations, binary operators, literals, label_replace.</summary>
public static class MetricEvaluator
{
    /// <summary>A range query, evaluated on the step grid around [start, end] (see <see cref="StepGrid.Range"/>).</summary>
    public static MetricResult EvaluateRange(LogQLExpr expr, ILogStreamSource source, long startNs, long endNs, long stepNs)
    {
        var grid = StepGrid.Range(startNs, endNs, stepNs);
        return ToResult(expr, Evaluate(expr, source, grid), grid);
    }

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
        VectorAggregationExpr vector => VectorAggregator.Evaluate(vector, Evaluate(vector.Inner, source, grid), grid),
        BinaryExpr binary => BinaryOperators.Evaluate(binary, Evaluate(binary.Left, source, grid), Evaluate(binary.Right, source, grid), grid),
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

    private static StepVector LabelReplace(LabelReplaceExpr expr, StepVector input)
    {
        if (input.IsScalar)
        {
            throw new EvaluationException("label_replace expects a vector, got a scalar");
        }

        var translated = RegexSyntax.Translate(expr.Regex);
        var regex = RegexSyntax.BuildWhole(translated);
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
