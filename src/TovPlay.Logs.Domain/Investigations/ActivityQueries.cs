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
        ScenarioKind.Wipe => [ActivitySignal.RowsRemoved, ActivitySignal.RowsOverwritten, ActivitySignal.Requests, ActivitySignal.Errors, ActivitySignal.DatabaseRefusals],
        ScenarioKind.SuspiciousAccount => [ActivitySignal.RowsRemoved, ActivitySignal.RowsChanged, ActivitySignal.Requests, ActivitySignal.Errors, ActivitySignal.SignInFailures],
        ScenarioKind.SlowApi => [ActivitySignal.Requests, ActivitySignal.Errors, ActivitySignal.Latency],
        ScenarioKind.ErrorSpike => [ActivitySignal.Requests, ActivitySignal.Errors],
        _ =>
        [
            ActivitySignal.RowsRemoved, ActivitySignal.RowsOverwritten, ActivitySignal.RowsChanged, ActivitySignal.Requests, ActivitySignal.Errors, ActivitySignal.Latency,
            ActivitySignal.DatabaseRefusals,
        ],
    };

    /// <summary>How many buckets each point of the failed sign-ins counts.</summary>
    public const int SignInFailureBuckets = 5;

    /// <summary>Whether a signal is read from the audit trail (with SQL) rather than from the logs.</summary>
    public static bool IsAudit(ActivitySignal signal) => signal is ActivitySignal.RowsRemoved or ActivitySignal.RowsChanged or ActivitySignal.RowsOverwritten;

    /// <summary>
    /// The LogQL for a log signal (null for the audit trail's signals, which are read with SQL), narrowed to the
    /// scenario's subject: an account's username, a slow or failing path, a free text.
    /// </summary>
    public static string? LogQL(ActivitySignal signal, TimeSpan step, ScenarioKind scenario = ScenarioKind.Free, string? subject = null) => signal switch
    {
        // Counts read no JSON: a request is a backend line with a status (the access line each request ends with),
        // an error is a line on an error-level stream; line filters run in the store, before any line is decoded.
        ActivitySignal.Requests => Print(MetricBuilder.Sum(MetricBuilder.CountOverTime(
            Narrow(Streams.Backend.Contains("\"status\""), scenario, subject, parse: false), step))),
        ActivitySignal.Errors => Print(MetricBuilder.Sum(MetricBuilder.CountOverTime(Narrow(ErrorLines, scenario, subject, parse: false), step))),
        // Guessing is slow and steady (a try every few seconds to stay under limits): each point counts the last
        // five buckets, so a steady trickle stands out as a spike where one bucket alone would not.
        ActivitySignal.SignInFailures => Print(MetricBuilder.Sum(MetricBuilder.CountOverTime(
            Narrow(Streams.Backend.Contains("\"LOGIN_FAILED\""), scenario, subject, parse: false), step * SignInFailureBuckets))),
        // Only the duration is taken out of each line, by one regular expression rather than a whole JSON parse. One
        // percentile over all of the backend's requests: without "by", a subject's JSON fields (a correlation id per
        // line) would make a series of each request.
        ActivitySignal.Latency => Print(MetricBuilder.Unwrapped(RangeOperation.QuantileOverTime,
            Narrow(Streams.Backend.Contains("\"duration_ms\""), scenario, subject, parse: false).Regexp("\"duration_ms\":\\s*(?P<duration_ms>[0-9.]+)"), "duration_ms", step,
            quantile: 0.95, by: "job")),
        // The server's refusals name the table they were about ("permission denied for table users"): a wipe's table narrows them.
        ActivitySignal.DatabaseRefusals => Print(MetricBuilder.Sum(MetricBuilder.CountOverTime(
            scenario == ScenarioKind.Wipe && !string.IsNullOrWhiteSpace(subject) ? RefusalLines.Contains(subject.Trim()) : RefusalLines, step))),
        _ => null,
    };

    /// <summary>PostgreSQL's lines of statements refused for lack of privilege (or by the mass-change guard) and of refused sign-ins.</summary>
    public static LogQueryBuilder RefusalLines => LogQueryBuilder.Stream("job", "postgres")
        .MatchesRegex("(ERROR|FATAL):  (permission denied|must be owner|TovPlay mass-change guard|password authentication failed|no pg_hba.conf entry)");

    /// <summary>Lines of the application's own services: the backend and the frontend.</summary>
    public static LogQueryBuilder ApplicationLines => LogQueryBuilder.AnyJob().WhereAny("job", ["tovplay-backend", "tovplay-frontend"]);

    /// <summary>Lines of the application's error-level streams.</summary>
    public static LogQueryBuilder ErrorLines => ApplicationLines.Where("level", MatchOperator.Regex, "(?i)(error|critical|fatal)");

    /// <summary>
    /// The lines about the subject: an account's username, a path, a free text. The subject's text filters lines in
    /// the store first; then, when <paramref name="parse"/> (or a field must match exactly), the JSON is parsed and the
    /// field compared, so "/api/games" does not also match "/api/games/42".
    /// </summary>
    public static LogQueryBuilder Narrow(LogQueryBuilder lines, ScenarioKind scenario, string? subject, bool parse = true)
    {
        subject = string.IsNullOrWhiteSpace(subject) ? null : subject.Trim();
        return (scenario, subject) switch
        {
            (_, null) or (ScenarioKind.Wipe, _) => parse ? lines.Json() : lines,
            (ScenarioKind.SuspiciousAccount, { } user) => lines.Contains(user).Json().Label("username", user),
            (ScenarioKind.SlowApi or ScenarioKind.ErrorSpike, { } path) => lines.Contains(path).Json().Label("path", path),
            (_, { } text) => parse ? lines.Contains(text).Json() : lines.Contains(text),
        };
    }

    private static string Print(LogQLExpr expr) => LogQLQuery.Print(expr);
}
