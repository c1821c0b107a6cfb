using TovPlay.Logs.Domain.LogQL.Ast;
using static TovPlay.Logs.Domain.LogQL.Building.MetricBuilder;

namespace TovPlay.Logs.Domain.Queries.Library;

internal static class WhenQueries
{
    public static IEnumerable<ForensicQuery> All()
    {
        yield return new("when.delete-rate", "Deletes over time", QueryCategory.When,
            "DELETE requests per bucket. The spike is when it happened; narrow the window around it before reading lines.",
            [P.Step()],
            a => Sum(CountOverTime(Streams.BackendJson.Label("action", "DELETE"), a.Duration("range"))));

        yield return new("when.audit-actions-per-table", "Audited changes per table over time", QueryCategory.When,
            "Audited statements per table and action in each bucket. A wipe shows as a TRUNCATE or DELETE bar on one table.",
            [P.Step()],
            a => Sum(CountOverTime(Streams.Audit.WithoutErrors(), a.Duration("range")), "table", "action"));

        yield return new("when.first-errors", "Backend errors", QueryCategory.When,
            "Error lines of the backend. Read them oldest first from just before the incident to find the first symptom and its correlation id.",
            [],
            _ => Streams.BackendErrors.Build());

        yield return new("when.request-rate", "Request rate", QueryCategory.When,
            "Backend requests per second. Traffic that stops or surges dates an outage or an attack.",
            [P.Step()],
            a => Sum(Rate(Streams.Backend, a.Duration("range"))));

        yield return new("when.error-rate", "Error line rate", QueryCategory.When,
            "Backend error lines per second; errors right after a data change often point at the change.",
            [P.Step()],
            a => Sum(Rate(Streams.BackendErrors, a.Duration("range"))));

        yield return new("when.truncates", "TRUNCATE statements", QueryCategory.When,
            "Every audited TRUNCATE with its time, table, rows and connection. Tables are usually wiped this way.",
            [],
            _ => Streams.Audit.Label("action", "TRUNCATE").Build());

        yield return new("when.user-last-login", "A user's sign-ins", QueryCategory.When,
            "The sign-ins of one user, newest first: when they were last active, from which address, and whether sign-ins failed before one succeeded.",
            [P.User],
            a => Streams.BackendJson.Label("action", "LOGIN").Label("username", a.Text("username")).Build());
    }
}
