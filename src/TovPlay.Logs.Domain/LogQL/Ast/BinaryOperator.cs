namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>Binary operators, from the loosest binding (<c>or</c>) to the tightest (<c>^</c>).</summary>
public enum BinaryOperator
{
    Or,
    And,
    Unless,
    Equal,
    NotEqual,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    Power,
}
