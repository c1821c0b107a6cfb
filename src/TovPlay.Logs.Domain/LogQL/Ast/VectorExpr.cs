namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>vector(0)</c>: one series without labels.</summary>
public sealed record VectorExpr(double Value) : LogQLExpr;
