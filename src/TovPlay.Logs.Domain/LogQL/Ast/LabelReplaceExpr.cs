namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>label_replace(expr, "dst", "$1", "src", "(.*)")</c>.</summary>
public sealed record LabelReplaceExpr(LogQLExpr Inner, string Destination, string Replacement, string Source, string Regex) : LogQLExpr;
