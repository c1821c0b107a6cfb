namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>count_over_time({job="x"}[5m])</c>, <c>quantile_over_time(0.99, ... | unwrap d [5m]) by (path)</c>.</summary>
public sealed record RangeAggregationExpr(RangeOperation Operation, LogRangeExpr Range, double? Parameter, Grouping? Grouping) : LogQLExpr;
