namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>The argument of a range aggregation: a log query over a range, e.g. <c>{job="x"} | json [5m] offset 1h</c>.</summary>
public sealed record LogRangeExpr(LogQueryExpr Log, LogQLDuration Range, LogQLDuration? Offset, UnwrapExpr? Unwrap);
