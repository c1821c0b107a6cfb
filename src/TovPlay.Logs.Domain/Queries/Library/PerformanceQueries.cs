using TovPlay.Logs.Domain.LogQL.Ast;
using static TovPlay.Logs.Domain.LogQL.Building.MetricBuilder;

namespace TovPlay.Logs.Domain.Queries.Library;

internal static class PerformanceQueries
{
    private static ForensicQuery Percentile(string id, double q) =>
        new(id, $"p{q * 100:0} latency by path", QueryCategory.Performance,
            $"The {q * 100:0}th percentile of request duration per path, from duration_ms. Slow endpoints and slow periods show here first.",
            [P.Step("5m")],
            a => Unwrapped(RangeOperation.QuantileOverTime, Streams.BackendJson, "duration_ms", a.Duration("range"), quantile: q, by: ["path"]));

    public static IEnumerable<ForensicQuery> All()
    {
        yield return Percentile("performance.p50-by-path", 0.5);
        yield return Percentile("performance.p95-by-path", 0.95);
        yield return Percentile("performance.p99-by-path", 0.99);

        yield return new("performance.slow-requests", "Slow requests", QueryCategory.Performance,
            "Requests that took longer than the threshold, with path, user, status and correlation id, to open the slow request's whole timeline.",
            [P.Threshold("ms", "Slower than (ms)", "500", 0, 3_600_000, "Duration threshold in milliseconds.")],
            a => Streams.BackendJson.LabelNumber("duration_ms", CompareOperator.Greater, a.Number("ms")).Build());

        yield return new("performance.avg-latency", "Average latency by path", QueryCategory.Performance,
            "Mean request duration per path in each bucket. Compare it with the percentiles: a high mean with a normal median means a few very slow calls.",
            [P.Step("5m")],
            a => Unwrapped(RangeOperation.AvgOverTime, Streams.BackendJson, "duration_ms", a.Duration("range"), by: ["path"]));

        yield return new("performance.max-latency", "Worst latency by path", QueryCategory.Performance,
            "The slowest request per path in each bucket: the worst case users saw, often a lock wait or a timeout.",
            [P.Step("5m")],
            a => Unwrapped(RangeOperation.MaxOverTime, Streams.BackendJson, "duration_ms", a.Duration("range"), by: ["path"]));

        yield return new("performance.slow-sql", "Slow SQL statements", QueryCategory.Performance,
            "Statements PostgreSQL logged as slower than the threshold (log_min_duration_statement).",
            [P.Threshold("ms", "Slower than (ms)", "1000", 0, 3_600_000, "Duration threshold in milliseconds.")],
            a => Streams.Postgres.Contains("duration:").Regexp("duration: (?P<sql_ms>[0-9.]+) ms").LabelNumber("sql_ms", CompareOperator.Greater, a.Number("ms")).Build());

        yield return new("performance.request-rate-by-path", "Request rate by path", QueryCategory.Performance,
            "Requests per second per path. A path whose traffic jumps or drops to zero around an incident tells which feature was involved.",
            [P.Step()],
            a => Sum(Rate(Streams.BackendJson.WithoutErrors(), a.Duration("range")), "path"));
    }
}
