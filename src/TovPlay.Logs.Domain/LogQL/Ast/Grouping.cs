namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>by (a, b)</c> or <c>without (a)</c>.</summary>
public sealed record Grouping(bool Without, ValueList<string> Labels);
