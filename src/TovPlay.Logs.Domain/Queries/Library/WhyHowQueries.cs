using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Building;

namespace TovPlay.Logs.Domain.Queries.Library;

internal static class WhyQueries
{
    public static IEnumerable<ForensicQuery> All()
    {
        yield return new("why.correlation-timeline", "Everything for one correlation id", QueryCategory.Why,
            "The frontend action, backend request, SQL audit and errors that share one X-Correlation-ID: the request chain as one timeline.",
            [P.Correlation],
            a => Streams.AllTovPlay.Contains(a.Text("correlation_id")).Build());

        yield return new("why.errors-with-stack", "Errors with a stack trace", QueryCategory.Why,
            "Backend errors that carry a stack trace: the code path behind a failure, to hand to the developer who owns it.",
            [],
            _ => Streams.BackendErrors.Json().Label("error_stack", "", MatchOperator.NotEqual).Build());

        yield return new("why.trace", "Everything for one trace id", QueryCategory.Why,
            "Lines carrying one W3C trace id across frontend, backend and audit; follow it into Jaeger with the trace link for the timing of each span.",
            [new QueryParameter("trace_id", "Trace id", ParameterKind.CorrelationId, null, "32 hexadecimal characters.")],
            a => Streams.AllTovPlay.Contains(a.Text("trace_id")).Build());

        yield return new("why.user-server-errors", "Server errors a user hit", QueryCategory.Why,
            "5xx responses for one user with the error type, message and stack: what failed for them and why.",
            [P.User],
            a => Streams.BackendJson.Label("username", a.Text("username")).LabelNumber("status", CompareOperator.GreaterOrEqual, 500).Build());

        yield return new("why.frontend-session", "A frontend session", QueryCategory.Why,
            "Every frontend action of one browser session, to see what the user clicked before a request.",
            [new QueryParameter("session_id", "Session id", ParameterKind.CorrelationId, null, "The frontend session_id.")],
            a => Streams.Frontend.Json().Label("session_id", a.Text("session_id")).Build());
    }
}

internal static class HowQueries
{
    public static IEnumerable<ForensicQuery> All()
    {
        yield return new("how.direct-db-connections", "Direct database connections", QueryCategory.How,
            "PostgreSQL connections that were not made by the TovPlay backend. A wipe done by hand starts with one of these.",
            [],
            _ => Streams.Postgres.Contains("connection authorized").NotContains("application_name=tovplay-backend").Build());

        yield return new("how.psql-sessions", "psql sessions", QueryCategory.How,
            "Everything PostgreSQL logged for connections from the psql command-line client: a person typing SQL by hand against the database.",
            [],
            _ => Streams.Postgres.Contains("application_name=psql").Build());

        yield return new("how.ddl-statements", "DDL and TRUNCATE statements", QueryCategory.How,
            "DROP, ALTER, TRUNCATE and CREATE statements in PostgreSQL's log: schema changes and wipes, whoever ran them.",
            [],
            _ => Streams.Postgres.MatchesRegex("(?i)statement: (drop|alter|truncate|create)").Build());

        yield return new("how.db-sessions-from-ip", "Database sessions from one address", QueryCategory.How,
            "PostgreSQL connections from one client address, with database role and client program, from PostgreSQL's own log.",
            [P.Ip],
            a => Streams.Postgres.Contains("host=" + a.Text("ip")).Build());

        yield return new("how.changes-without-correlation", "Changes without a correlation id", QueryCategory.How,
            "Audited statements that carried no correlation id, so they did not come through an application request.",
            [],
            _ => Streams.Audit.Label("correlation_id", "").Build());
    }
}
