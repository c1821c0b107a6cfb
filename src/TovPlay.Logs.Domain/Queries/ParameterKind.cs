namespace TovPlay.Logs.Domain.Queries;

/// <summary>What a query parameter holds; each kind has its own validation.</summary>
public enum ParameterKind
{
    Text,
    Username,
    IpAddress,
    CorrelationId,
    TableName,
    Duration,
    Number,
    Identifier,
}
