namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>a and b</c> (also written <c>a, b</c> or <c>a | b</c> in separate stages).</summary>
public sealed record AndLabelFilter(LabelFilter Left, LabelFilter Right) : LabelFilter;
