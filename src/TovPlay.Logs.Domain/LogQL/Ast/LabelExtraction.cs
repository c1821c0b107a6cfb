namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>A parser parameter: <c>status</c>, or <c>user="user.id"</c> with an expression naming where to read it.</summary>
public sealed record LabelExtraction(string Label, string? Expression);
