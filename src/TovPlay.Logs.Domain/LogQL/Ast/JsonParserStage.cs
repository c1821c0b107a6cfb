namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>| json</c>, or <c>| json a="x.y", b</c> to extract only some fields.</summary>
public sealed record JsonParserStage(ValueList<LabelExtraction> Extractions) : PipelineStage;
