namespace TovPlay.Logs.Domain.Queries;

/// <summary>A library query was given an unusable argument; <see cref="Parameter"/> names the field for the form.</summary>
public sealed class QueryArgumentException(string parameter, string message) : ArgumentException(message, parameter)
{
    public string Parameter { get; } = parameter;
}
