using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Parsing;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>Vector aggregations (sum, avg, min, max, count, stddev, stdvar, topk, bottomk, sort) at every step, per group.</summary>
internal static class VectorAggregator
{
    public static StepVector Evaluate(VectorAggregationExpr expr, StepVector input, StepGrid grid)
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
}
