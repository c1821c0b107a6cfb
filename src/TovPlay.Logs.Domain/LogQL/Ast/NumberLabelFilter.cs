namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>status >= 500</c>.</summary>
public sealed record NumberLabelFilter(string Label, CompareOperator Operator, double Value) : LabelFilter;
