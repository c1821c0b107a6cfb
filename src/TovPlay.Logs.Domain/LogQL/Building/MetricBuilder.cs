using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.LogQL.Building;

/// <summary>Metric queries from log queries: range aggregations, vector aggregations and arithmetic.</summary>
public static class MetricBuilder
{
    public static RangeAggregationExpr CountOverTime(LogQueryBuilder log, TimeSpan range) => Range(RangeOperation.CountOverTime, log, range);

    public static RangeAggregationExpr Rate(LogQueryBuilder log, TimeSpan range) => Range(RangeOperation.Rate, log, range);

    public static RangeAggregationExpr BytesOverTime(LogQueryBuilder log, TimeSpan range) => Range(RangeOperation.BytesOverTime, log, range);

    public static RangeAggregationExpr Range(RangeOperation op, LogQueryBuilder log, TimeSpan range, TimeSpan? offset = null) =>
        Validated(new RangeAggregationExpr(op, new LogRangeExpr(log.Build(), Duration(range), offset is { } o ? Duration(o) : null, null), null, null));

    /// <summary>An unwrapped range aggregation, e.g. <c>quantile_over_time(0.95, ... | unwrap duration_ms | __error__="" [5m]) by (path)</c>.</summary>
    public static RangeAggregationExpr Unwrapped(
        RangeOperation op, LogQueryBuilder log, string label, TimeSpan range,
        UnwrapConversion conversion = UnwrapConversion.None, double? quantile = null, params IEnumerable<string> by)
    {
        if ((op == RangeOperation.QuantileOverTime) != (quantile is not null))
        {
            throw new ArgumentException("quantile_over_time needs a quantile, and only it does.", nameof(quantile));
        }

        if (quantile is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), "A quantile lies between 0 and 1.");
        }

        var unwrap = new UnwrapExpr(LabelName.Require(label, nameof(label)), conversion,
            ValueList.Of<LabelFilter>(new StringLabelFilter("__error__", MatchOperator.Equal, "")));
        var labels = by.Select(l => LabelName.Require(l, nameof(by))).ToList();
        var grouping = labels.Count > 0 ? new Grouping(false, new ValueList<string>(labels)) : null;
        return Validated(new RangeAggregationExpr(op, new LogRangeExpr(log.Build(), Duration(range), null, unwrap), quantile, grouping));
    }

    public static VectorAggregationExpr Sum(LogQLExpr inner, params IEnumerable<string> by) => Vector(VectorOperation.Sum, inner, by);

    public static VectorAggregationExpr Avg(LogQLExpr inner, params IEnumerable<string> by) => Vector(VectorOperation.Avg, inner, by);

    public static VectorAggregationExpr Max(LogQLExpr inner, params IEnumerable<string> by) => Vector(VectorOperation.Max, inner, by);

    public static VectorAggregationExpr Count(LogQLExpr inner, params IEnumerable<string> by) => Vector(VectorOperation.Count, inner, by);

    public static VectorAggregationExpr TopK(int k, LogQLExpr inner) =>
        k > 0 ? new VectorAggregationExpr(VectorOperation.Topk, RequireMetric(inner), k, null) : throw new ArgumentOutOfRangeException(nameof(k));

    public static VectorAggregationExpr Vector(VectorOperation op, LogQLExpr inner, IEnumerable<string> by)
    {
        var labels = by.Select(l => LabelName.Require(l, nameof(by))).ToList();
        return new VectorAggregationExpr(op, RequireMetric(inner), null, labels.Count > 0 ? new Grouping(false, new ValueList<string>(labels)) : null);
    }

    public static BinaryExpr Binary(BinaryOperator op, LogQLExpr left, LogQLExpr right, bool returnBool = false) =>
        new(op, RequireMetric(left), RequireMetric(right), returnBool, null);

    public static BinaryExpr Divide(LogQLExpr left, LogQLExpr right) => Binary(BinaryOperator.Divide, left, right);

    public static BinaryExpr Multiply(LogQLExpr left, double factor) => Binary(BinaryOperator.Multiply, left, new NumberLiteralExpr(factor));

    public static BinaryExpr GreaterThan(LogQLExpr left, double threshold) => Binary(BinaryOperator.Greater, left, new NumberLiteralExpr(threshold));

    /// <summary>Loki's rules on range aggregations (unwrap, grouping) live in the parser; the printed form must pass them.</summary>
    private static T Validated<T>(T expr)
        where T : LogQLExpr =>
        LogQLQuery.TryParse(LogQLQuery.Print(expr), out _, out var error)
            ? expr
            : throw new ArgumentException(error.Detail, nameof(expr));

    private static LogQLExpr RequireMetric(LogQLExpr expr) =>
        expr is LogQueryExpr ? throw new ArgumentException("A log query must be turned into a metric first (e.g. CountOverTime).", nameof(expr)) : expr;

    private static LogQLDuration Duration(TimeSpan span) =>
        span > TimeSpan.Zero ? LogQLDuration.From(span) : throw new ArgumentOutOfRangeException(nameof(span), "A range is longer than zero.");
}
