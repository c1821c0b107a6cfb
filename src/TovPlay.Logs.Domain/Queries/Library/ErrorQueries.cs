using TovPlay.Logs.Domain.LogQL.Ast;
using static TovPlay.Logs.Domain.LogQL.Building.MetricBuilder;

namespace TovPlay.Logs.Domain.Queries.Library;

internal static class ErrorQueries
{
    public static IEnumerable<ForensicQuery> All()
    {
        yield return new("errors.5xx-rate-by-endpoint", "5xx rate by endpoint", QueryCategory.Errors,
            "Server errors (5xx) per second per path. Use it to see which endpoint broke first and whether it is still failing.",
            [P.Step("5m")],
            a => Sum(Rate(Streams.BackendJson.LabelNumber("status", CompareOperator.GreaterOrEqual, 500), a.Duration("range")), "path"));

        yield return new("errors.5xx-ratio-by-endpoint", "Error ratio by endpoint", QueryCategory.Errors,
            "The share of requests per path that failed with a 5xx. A ratio is fairer than a count on busy endpoints.",
            [P.Step("5m")],
            a => Divide(
                Sum(Rate(Streams.BackendJson.LabelNumber("status", CompareOperator.GreaterOrEqual, 500), a.Duration("range")), "path"),
                Sum(Rate(Streams.BackendJson.WithoutErrors(), a.Duration("range")), "path")));

        yield return new("errors.by-type", "Errors by exception type", QueryCategory.Errors,
            "Backend error lines per exception type (error.type) in each bucket. A new exception type appearing at the incident time is a lead.",
            [P.Range()],
            a => Sum(CountOverTime(Streams.BackendErrors.Json().WithoutErrors(), a.Duration("range")), "error_type"));

        yield return new("errors.recent", "Recent backend errors", QueryCategory.Errors,
            "The backend's error lines with their parsed fields, newest first: the quickest look at what is failing right now and for whom.",
            [],
            _ => Streams.BackendErrors.Json().Build());

        yield return new("errors.4xx-by-path", "Client errors by path and status", QueryCategory.Errors,
            "4xx responses per path and status: broken links, missing rows, bad requests.",
            [P.Range()],
            a => Sum(CountOverTime(Streams.BackendJson.LabelNumber("status", CompareOperator.GreaterOrEqual, 400).LabelNumber("status", CompareOperator.Less, 500), a.Duration("range")), "path", "status"));

        yield return new("errors.top-messages", "Most frequent error messages", QueryCategory.Errors,
            "The ten most common error messages in each bucket. A new message at the top right after a change usually names the cause.",
            [P.Range()],
            a => TopK(10, Sum(CountOverTime(Streams.BackendErrors.Json().WithoutErrors(), a.Duration("range")), "msg")));
    }
}
