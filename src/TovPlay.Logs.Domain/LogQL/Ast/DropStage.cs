namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>| drop method, level="debug"</c>.</summary>
public sealed record DropStage(ValueList<LabelSelection> Labels) : PipelineStage;
