namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>method="DELETE"</c>, <c>path=~"/api/.*"</c>.</summary>
public sealed record StringLabelFilter(string Label, MatchOperator Operator, string Value) : LabelFilter;
