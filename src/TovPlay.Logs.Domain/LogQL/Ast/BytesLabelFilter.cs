namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>size > 1KB</c>: the label is parsed as a byte size.</summary>
public sealed record BytesLabelFilter(string Label, CompareOperator Operator, LogQLBytes Value) : LabelFilter;
