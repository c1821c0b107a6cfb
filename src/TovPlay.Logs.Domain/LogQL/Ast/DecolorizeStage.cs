namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>| decolorize</c>: strips ANSI colour codes from the line.</summary>
public sealed record DecolorizeStage : PipelineStage;
