namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>| line_format "{{.method}} {{.path}}"</c>.</summary>
public sealed record LineFormatStage(string Template) : PipelineStage;
