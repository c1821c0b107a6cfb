namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>One assignment of <c>label_format</c>: a rename (<c>dst=src</c>) or a template (<c>dst="{{.a}}"</c>).</summary>
public sealed record LabelFormatItem(string Destination, string Value, bool IsTemplate);
