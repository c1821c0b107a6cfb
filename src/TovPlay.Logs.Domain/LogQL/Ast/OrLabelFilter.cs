namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>a or b</c>.</summary>
public sealed record OrLabelFilter(LabelFilter Left, LabelFilter Right) : LabelFilter;
