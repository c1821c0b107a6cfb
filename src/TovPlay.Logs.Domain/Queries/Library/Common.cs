using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Building;

namespace TovPlay.Logs.Domain.Queries.Library;

/// <summary>The TovPlay streams (DESIGN.md §3 labels) and the parameters most queries share.</summary>
internal static class Streams
{
    public static LogQueryBuilder Backend => LogQueryBuilder.Stream("job", "tovplay-backend");

    public static LogQueryBuilder BackendJson => Backend.Json();

    public static LogQueryBuilder BackendErrors => Backend.Where("level", MatchOperator.Equal, "error");

    public static LogQueryBuilder Frontend => LogQueryBuilder.Stream("job", "tovplay-frontend");

    public static LogQueryBuilder Audit => LogQueryBuilder.Stream("job", "tovplay-db-audit").Json();

    public static LogQueryBuilder Postgres => LogQueryBuilder.Stream("job", "postgres");

    /// <summary>
    /// Every TovPlay application stream: backend, frontend and the database audit, in every environment (a request
    /// traced in staging or the sandbox is as much an answer as one in production).
    /// </summary>
    public static LogQueryBuilder AllTovPlay => LogQueryBuilder.StreamMatching("job", "tovplay-.+");
}

internal static class P
{
    public static QueryParameter Range(string @default = "1h") =>
        new("range", "Time range", ParameterKind.Duration, @default, "How far back each point looks, e.g. 5m, 1h, 1d.");

    public static QueryParameter Step(string @default = "1m") =>
        new("range", "Bucket", ParameterKind.Duration, @default, "The width of each bucket of the chart, e.g. 1m.");

    public static QueryParameter User => new("username", "Username", ParameterKind.Username, null, "The TovPlay username, as in the backend logs.");

    public static QueryParameter OptionalUser => new("username", "Username", ParameterKind.Username, "", "Leave empty for every user.");

    public static QueryParameter Ip => new("ip", "IP address", ParameterKind.IpAddress, null, "An IPv4 or IPv6 address.");

    public static QueryParameter Correlation => new("correlation_id", "Correlation id", ParameterKind.CorrelationId, null, "The X-Correlation-ID of the request.");

    public static QueryParameter Table => new("table", "Table", ParameterKind.TableName, null, "The database table, e.g. users.");

    public static QueryParameter Threshold(string name, string label, string @default, double min, double max, string help) =>
        new(name, label, ParameterKind.Number, @default, help, min, max);
}
