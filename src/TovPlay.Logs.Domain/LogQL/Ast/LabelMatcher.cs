namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>One matcher of a stream selector, e.g. <c>job="tovplay-backend"</c>.</summary>
public sealed record LabelMatcher(string Name, MatchOperator Operator, string Value);
