namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>sum by (level) (...)</c>, <c>topk(5, ...)</c>.</summary>
public sealed record VectorAggregationExpr(VectorOperation Operation, LogQLExpr Inner, int? Parameter, Grouping? Grouping) : LogQLExpr;
