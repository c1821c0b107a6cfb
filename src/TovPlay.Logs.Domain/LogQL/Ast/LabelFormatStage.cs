namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>| label_format user=username, route="{{.method}} {{.path}}"</c>.</summary>
public sealed record LabelFormatStage(ValueList<LabelFormatItem> Items) : PipelineStage;
