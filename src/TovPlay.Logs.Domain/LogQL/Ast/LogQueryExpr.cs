namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>A log query: a stream selector and its pipeline, e.g. <c>{job="x"} |= "needle" | json</c>.</summary>
public sealed record LogQueryExpr(StreamSelector Selector, ValueList<PipelineStage> Pipeline) : LogQLExpr;
