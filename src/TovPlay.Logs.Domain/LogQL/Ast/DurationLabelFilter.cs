namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>duration > 1s</c>: the label is parsed as a duration.</summary>
public sealed record DurationLabelFilter(string Label, CompareOperator Operator, LogQLDuration Value) : LabelFilter;
