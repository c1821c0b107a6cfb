namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>A number: <c>100</c>, <c>0.5</c>, <c>-1</c>.</summary>
public sealed record NumberLiteralExpr(double Value) : LogQLExpr;
