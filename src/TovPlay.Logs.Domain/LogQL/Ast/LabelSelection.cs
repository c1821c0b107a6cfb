namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>A label named by <c>drop</c>/<c>keep</c>: by name alone, or only when it matches.</summary>
public sealed record LabelSelection(string Name, MatchOperator? Operator = null, string? Value = null);
