using TovPlay.Logs.Domain.LogQL.Ast;
using static TovPlay.Logs.Domain.LogQL.Building.MetricBuilder;

namespace TovPlay.Logs.Domain.Queries.Library;

internal static class WhatQueries
{
    public static IEnumerable<ForensicQuery> All()
    {
        yield return new("what.rows-removed-per-table", "Rows removed per table", QueryCategory.What,
            "The number of rows removed by DELETE and TRUNCATE, per table, from the audit trail's row counts. Tells how much data a wipe took.",
            [P.Range()],
            a => Sum(Unwrapped(RangeOperation.SumOverTime, Streams.Audit.Label("action", "DELETE|TRUNCATE", MatchOperator.Regex), "rows", a.Duration("range")), "table"));

        yield return new("what.mass-changes", "Statements that changed many rows", QueryCategory.What,
            "Audited statements that touched more rows than the threshold. One statement changing thousands of rows is rarely a user clicking.",
            [P.Threshold("rows", "Rows at least", "100", 1, 1e9, "Show statements that changed at least this many rows.")],
            a => Streams.Audit.LabelNumber("rows", CompareOperator.GreaterOrEqual, a.Number("rows")).Build());

        yield return new("what.table-changes", "Changes to one table", QueryCategory.What,
            "Every audited statement on one table, with its action, row count, database role, client address and program: the full change history of the table.",
            [P.Table],
            a => Streams.Audit.Label("table", a.Text("table")).Build());

        yield return new("what.resource-deletes", "Deletes of one kind of resource", QueryCategory.What,
            "DELETE requests for one backend resource (users, games, matches...).",
            [new QueryParameter("resource", "Resource", ParameterKind.Identifier, null, "The first path segment after /api/, e.g. users.")],
            a => Streams.BackendJson.Label("action", "DELETE").Label("resource", a.Text("resource")).Build());

        yield return new("what.destructive-sql-on-table", "Destructive SQL mentioning a table", QueryCategory.What,
            "PostgreSQL's own log lines that name the table in a DELETE, TRUNCATE or DROP. Works even where the audit trigger was not installed.",
            [P.Table],
            a => Streams.Postgres.Contains(a.Text("table")).MatchesRegex("(?i)(delete|truncate|drop)").Build());

        yield return new("what.changes-by-action", "Audited changes by action", QueryCategory.What,
            "Counts of INSERT, UPDATE, DELETE and TRUNCATE in each bucket. A sudden switch from inserts and updates to deletes marks a clean-up or a wipe.",
            [P.Range()],
            a => Sum(CountOverTime(Streams.Audit.WithoutErrors(), a.Duration("range")), "action"));
    }
}
