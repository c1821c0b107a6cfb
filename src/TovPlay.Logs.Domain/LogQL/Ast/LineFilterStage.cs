namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>
/// <c>|= "a"</c>, or with alternatives <c>|= "a" or "b"</c>: the line passes when any alternative does
/// (for the negated operators, when none does).
/// </summary>
public sealed record LineFilterStage(LineFilterOperator Operator, ValueList<LineFilterValue> Values) : PipelineStage;
