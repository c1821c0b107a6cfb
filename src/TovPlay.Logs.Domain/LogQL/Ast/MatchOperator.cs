namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>How a label matcher or string label filter compares: <c>=</c>, <c>!=</c>, <c>=~</c>, <c>!~</c>.</summary>
public enum MatchOperator
{
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}
