namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>The text (or regex) of a line filter, or an <c>ip("...")</c> pattern.</summary>
public sealed record LineFilterValue(string Value, bool IsIp = false);
