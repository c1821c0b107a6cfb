namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>| logfmt</c> with optional <c>--strict</c>, <c>--keep-empty</c> and extraction parameters.</summary>
public sealed record LogfmtParserStage(bool Strict, bool KeepEmpty, ValueList<LabelExtraction> Extractions) : PipelineStage;
