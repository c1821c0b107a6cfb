namespace TovPlay.Logs.Web.Alerting;

/// <summary>A rule's query failed or was refused; the message is what the rule's page and its Error alert show.</summary>
public sealed class RuleQueryException(string message, Exception? inner = null) : Exception(message, inner);
