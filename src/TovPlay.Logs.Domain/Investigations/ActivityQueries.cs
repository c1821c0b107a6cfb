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

    /// <summary>
    /// The LogQL for a log signal (null for the audit trail's signals, which are read with SQL), narrowed to the
    /// scenario's subject: an account's username, a slow or failing path, a free text.
    /// </summary>
    public static string? LogQL(ActivitySignal signal, TimeSpan step, ScenarioKind scenario = ScenarioKind.Free, string? subject = null) => signal switch
    {
        // A request is a backend line with a status: the access line each request ends with.
        ActivitySignal.Requests => Print(MetricBuilder.Sum(MetricBuilder.CountOverTime(
            Narrow(Streams.Backend, scenario, subject).Filter(new StringLabelFilter("status", MatchOperator.NotEqual, "")), step))),
        ActivitySignal.Errors => Print(MetricBuilder.Sum(MetricBuilder.CountOverTime(
            Narrow(LogQueryBuilder.AnyJob().WhereAny("job", ["tovplay-backend", "tovplay-frontend"]).Where("level", MatchOperator.Regex, "(?i)(error|critical|fatal)"), scenario, subject), step))),
        ActivitySignal.Latency => Print(MetricBuilder.Unwrapped(RangeOperation.QuantileOverTime, Narrow(Streams.Backend, scenario, subject), "duration_ms", step, quantile: 0.95)),
        _ => null,
    };

    /// <summary>The lines about the subject, parsed as JSON (a free text is a line filter, before parsing, as Loki prefers).</summary>
    public static LogQueryBuilder Narrow(LogQueryBuilder lines, ScenarioKind scenario, string? subject)
    {
        subject = string.IsNullOrWhiteSpace(subject) ? null : subject.Trim();
        return (scenario, subject) switch
        {
            (_, null) or (ScenarioKind.Wipe, _) => lines.Json(),
            (ScenarioKind.SuspiciousAccount, { } user) => lines.Json().Label("username", user),
            (ScenarioKind.SlowApi or ScenarioKind.ErrorSpike, { } path) => lines.Json().Label("path", path),
            (_, { } text) => lines.Contains(text).Json(),
        };
    }

    private static string Print(LogQLExpr expr) => LogQLQuery.Print(expr);
}
