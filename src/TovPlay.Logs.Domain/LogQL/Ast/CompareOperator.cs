namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>Numeric, duration and byte comparisons: <c>== != &gt; &gt;= &lt; &lt;=</c>.</summary>
public enum CompareOperator
{
    Equal,
    NotEqual,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}
