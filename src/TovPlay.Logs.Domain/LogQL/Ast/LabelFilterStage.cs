namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>| status >= 500 and method="DELETE"</c>.</summary>
public sealed record LabelFilterStage(LabelFilter Filter) : PipelineStage;
