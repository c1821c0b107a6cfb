namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>| pattern "&lt;ip&gt; - - &lt;_&gt; &lt;status&gt;"</c>.</summary>
public sealed record PatternParserStage(string Pattern) : PipelineStage;
