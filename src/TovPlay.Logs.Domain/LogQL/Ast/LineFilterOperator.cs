namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>|=</c> contains, <c>!=</c> does not contain, <c>|~</c> matches, <c>!~</c> does not match.</summary>
public enum LineFilterOperator
{
    Contains,
    NotContains,
    Regex,
    NotRegex,
}
