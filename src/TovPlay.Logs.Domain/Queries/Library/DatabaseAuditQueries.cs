using TovPlay.Logs.Domain.LogQL.Ast;
using static TovPlay.Logs.Domain.LogQL.Building.MetricBuilder;

namespace TovPlay.Logs.Domain.Queries.Library;

internal static class DatabaseAuditQueries
{
    public static IEnumerable<ForensicQuery> All()
    {
        yield return new("audit.mass-changes-per-table", "Mass changes per table", QueryCategory.DatabaseAudit,
            "Rows changed per table per bucket, above a threshold, from the audit stream. This is the alert that catches a wipe.",
            [P.Step(), P.Threshold("rows", "Rows above", "500", 0, 1e9, "Flag tables with more changed rows than this per bucket.")],
            a => GreaterThan(Sum(Unwrapped(RangeOperation.SumOverTime, Streams.Audit, "rows", a.Duration("range")), "table"), a.Number("rows")));

        yield return new("audit.deletes-per-table", "Deletes per table", QueryCategory.DatabaseAudit,
            "Audited DELETE statements per table in each bucket, from the database audit stream. A table with far more deletes than usual is where to look.",
            [P.Range()],
            a => Sum(CountOverTime(Streams.Audit.Label("action", "DELETE"), a.Duration("range")), "table"));

        yield return new("audit.truncates", "Audited TRUNCATEs", QueryCategory.DatabaseAudit,
            "TRUNCATE statements with table, rows, role, client address and program.",
            [],
            _ => Streams.Audit.Label("action", "TRUNCATE").Build());

        yield return new("audit.by-app-user", "Audited changes by an application user", QueryCategory.DatabaseAudit,
            "Audited statements the backend ran on behalf of one TovPlay user (from the tovplay.username setting): the database side of that user's requests.",
            [P.User],
            a => Streams.Audit.Label("app_username", a.Text("username")).Build());

        yield return new("audit.by-client", "Audited changes from one client address", QueryCategory.DatabaseAudit,
            "Audited statements from one database client address (inet_client_addr): everything that machine changed.",
            [P.Ip],
            a => Streams.Audit.Label("client_addr", a.Text("ip")).Build());

        yield return new("audit.by-transaction", "One transaction", QueryCategory.DatabaseAudit,
            "Every audited statement of one transaction id: what else changed in the same transaction, and so what a rollback or restore must cover.",
            [P.Threshold("txid", "Transaction id", "0", 1, long.MaxValue, "The PostgreSQL transaction id.") with { Default = null }],
            a => Streams.Audit.LabelNumber("txid", CompareOperator.Equal, a.Number("txid")).Build());

        yield return new("audit.by-statement-text", "Statements mentioning text", QueryCategory.DatabaseAudit,
            "Audited statements whose SQL text contains the given words (case-insensitive), e.g. a table or column name, or TRUNCATE.",
            [new QueryParameter("text", "Text", ParameterKind.Text, null, "Literal text to find in the statement.")],
            a => Streams.Audit.LabelContains("statement", a.Text("text")).Build());
    }
}
