namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary><c>addr = ip("10.0.0.0/8")</c> or <c>!=</c>: address, range or CIDR.</summary>
public sealed record IpLabelFilter(string Label, bool Negated, string Pattern) : LabelFilter;
