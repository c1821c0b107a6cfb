using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Building;
using TovPlay.Logs.Domain.Queries.Library;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>The metric queries behind the WHEN chart's log signals, one point per bucket.</summary>
public static class ActivityQueries
{
    /// <summary>Which signals a scenario charts: the ones its window proposal reads, and the request rate for scale.</summary>
    public static IReadOnlyList<ActivitySignal> For(ScenarioKind scenario) => scenario switch
    {
        ScenarioKind.Wipe => [ActivitySignal.RowsRemoved, ActivitySignal.Requests, ActivitySignal.Errors],
        ScenarioKind.SuspiciousAccount => [ActivitySignal.RowsRemoved, ActivitySignal.RowsChanged, ActivitySignal.Requests, ActivitySignal.Errors],
        ScenarioKind.SlowApi => [ActivitySignal.Requests, ActivitySignal.Errors, ActivitySignal.Latency],
        ScenarioKind.ErrorSpike => [ActivitySignal.Requests, ActivitySignal.Errors],
        _ => [ActivitySignal.RowsRemoved, ActivitySignal.RowsChanged, ActivitySignal.Requests, ActivitySignal.Errors, ActivitySignal.Latency],
    };

    /// <summary>The LogQL for a log signal (null for the audit trail's signals, which are read with SQL).</summary>
    public static string? LogQL(ActivitySignal signal, TimeSpan step) => signal switch
    {
        // A request is a backend line with a status: the access line each request ends with.
        ActivitySignal.Requests => Print(MetricBuilder.Sum(MetricBuilder.CountOverTime(
            Streams.BackendJson.Filter(new StringLabelFilter("status", MatchOperator.NotEqual, "")), step))),
        ActivitySignal.Errors => Print(MetricBuilder.Sum(MetricBuilder.CountOverTime(
            LogQueryBuilder.AnyJob().WhereAny("job", ["tovplay-backend", "tovplay-frontend"]).Where("level", MatchOperator.Regex, "(?i)(error|critical|fatal)"), step))),
        ActivitySignal.Latency => Print(MetricBuilder.Unwrapped(RangeOperation.QuantileOverTime, Streams.BackendJson, "duration_ms", step, quantile: 0.95)),
        _ => null,
    };

    private static string Print(LogQLExpr expr) => LogQLQuery.Print(expr);
}
