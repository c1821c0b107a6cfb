namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>| regexp "(?P&lt;name&gt;...)"</c>: named groups become labels.</summary>
public sealed record RegexpParserStage(string Pattern) : PipelineStage;
