namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>A query that parses but cannot be evaluated here, or fails while running; the message names the construct.</summary>
public sealed class EvaluationException(string message) : Exception(message);
