namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>One stage of a log pipeline.</summary>
public abstract record PipelineStage;
