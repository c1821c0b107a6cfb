namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>| unpack</c>: labels packed into a JSON line by promtail's pack stage.</summary>
public sealed record UnpackParserStage : PipelineStage;
