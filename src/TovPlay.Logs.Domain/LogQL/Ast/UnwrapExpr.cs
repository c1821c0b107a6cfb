namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>
/// <c>| unwrap duration(latency)</c> and the label filters after it (<c>| __error__=""</c>).
/// Only valid inside a range aggregation.
/// </summary>
public sealed record UnwrapExpr(string Label, UnwrapConversion Conversion, ValueList<LabelFilter> PostFilters);
