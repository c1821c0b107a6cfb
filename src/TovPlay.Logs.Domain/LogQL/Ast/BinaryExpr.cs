namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>a / b</c>, <c>a > bool 5</c>, <c>a / on (job) group_left b</c>.</summary>
public sealed record BinaryExpr(BinaryOperator Operator, LogQLExpr Left, LogQLExpr Right, bool ReturnBool, VectorMatching? Matching) : LogQLExpr;
