namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>{job="tovplay-backend", level=~"error|warn"}</c>.</summary>
public sealed record StreamSelector(ValueList<LabelMatcher> Matchers);
