namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>| keep method, status</c>.</summary>
public sealed record KeepStage(ValueList<LabelSelection> Labels) : PipelineStage;
