namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>on (a)</c> / <c>ignoring (a)</c>, optionally with <c>group_left (b)</c> / <c>group_right (b)</c>.</summary>
public sealed record VectorMatching(bool On, ValueList<string> Labels, GroupSide Side, ValueList<string> Include);

/// <summary>Which side of a many-to-one match has the many.</summary>
public enum GroupSide
{
    None,
    Left,
    Right,
}
