using System.Globalization;
using System.Text;

namespace TovPlay.Logs.Domain.Audit;

/// <summary>Rows to put back into one table: each a JSON object of column values, as <c>to_jsonb</c> wrote the image.</summary>
public sealed record RestoreRows(AuditedTable Table, IReadOnlyList<string> Rows);

/// <summary>An UPDATE to take back: its row changes (before and after images) on one table.</summary>
public sealed record RevertUpdate(AuditedTable Table, long StatementId, IReadOnlyList<RowChange> Changes)
{
    /// <summary>Columns some row of the statement changed: only these are set back (an identity column the statement left alone stays untouched).</summary>
    public IReadOnlyList<string> ChangedColumns =>
        [.. Table.Columns.Where(c => !c.Generated && Changes.Any(ch => ch.ChangedColumns.Contains(c.Name))).Select(c => c.Name)];

    /// <summary>The pairs as a JSON array of <c>{"before": ..., "after": ...}</c>.</summary>
    public string PairsJson => "[" + string.Join(",\n", Changes.Where(c => c.Before is not null && c.After is not null)
        .Select(c => $$"""{"before": {{c.Before}}, "after": {{c.After}}}""")) + "]";
}

/// <summary>
/// A SQL script that puts deleted or truncated rows back and takes updates back: one transaction, parents before children (foreign keys),
/// <c>INSERT ... ON CONFLICT DO NOTHING</c> so rows that exist again are left alone, values carried as JSON and typed
/// by the table itself (<c>jsonb_populate_recordset</c>), generated columns left to the table, and sequences moved
/// past the restored keys; an UPDATE is taken back only on rows that still hold what it wrote. Self-contained: it needs no access to the audit schema, so it can be reviewed, kept with
/// the incident, and run with psql.
/// </summary>
public static class RestoreScript
{
    public const int RowsPerStatement = 1000;

    /// <param name="header">Comment lines naming what is restored and why (one per line, without "--").</param>
    /// <param name="reverts">UPDATEs to take back, after the rows are back, newest first (so each finds the row as its own after image left it).</param>
    public static string Build(IReadOnlyList<RestoreRows> tables, IReadOnlyList<(uint Child, uint Parent)> foreignKeys, IEnumerable<string> header, IReadOnlyList<RevertUpdate>? reverts = null)
    {
        var sql = new StringBuilder();
        foreach (var line in header)
        {
            sql.Append("-- ").Append(SqlText.Comment(line)).Append('\n');
        }

        sql.Append("BEGIN;\n");
        foreach (var restore in ParentsFirst(tables, foreignKeys))
        {
            var table = restore.Table;
            var columns = table.Columns.Where(c => !c.Generated).ToList();
            var names = string.Join(", ", columns.Select(c => SqlText.Ident(c.Name)));
            sql.Append(CultureInfo.InvariantCulture, $"\n-- {SqlText.Comment(table.Display)}: {restore.Rows.Count} row(s)\n");
            foreach (var chunk in restore.Rows.Chunk(RowsPerStatement))
            {
                var json = "[" + string.Join(",\n", chunk) + "]";
                sql.Append(CultureInfo.InvariantCulture, $"""
                    INSERT INTO {table.QualifiedName} ({names}) OVERRIDING SYSTEM VALUE
                    SELECT {names} FROM pg_catalog.jsonb_populate_recordset(NULL::{table.QualifiedName}, {SqlText.DollarQuoted(json)}::jsonb)
                    ON CONFLICT DO NOTHING;

                    """);
            }

            foreach (var column in columns.Where(c => c.Sequenced))
            {
                // Past the highest key now in the table, never back: nextval keeps the sequence from going down.
                sql.Append(CultureInfo.InvariantCulture, $"""
                    SELECT pg_catalog.setval(s, greatest(m, pg_catalog.nextval(s))) FROM (SELECT pg_catalog.pg_get_serial_sequence({SqlText.Literal(table.QualifiedName)}, {SqlText.Literal(column.Name)}) AS s, max({SqlText.Ident(column.Name)}) AS m FROM {table.QualifiedName}) x WHERE s IS NOT NULL AND m IS NOT NULL;

                    """);
            }
        }

        foreach (var revert in (reverts ?? []).OrderByDescending(r => r.StatementId))
        {
            var columns = revert.ChangedColumns;
            if (columns.Count == 0)
            {
                continue;
            }

            var table = revert.Table.QualifiedName;
            sql.Append(CultureInfo.InvariantCulture, $"""

                -- {SqlText.Comment(revert.Table.Display)}: take back UPDATE statement {revert.StatementId} ({revert.Changes.Count} row(s)); a row whose changed columns changed since is left as it is
                WITH pairs AS ({PairsSelect(revert)})
                UPDATE {table} AS t SET ({string.Join(", ", columns.Select(SqlText.Ident))}) = ROW({string.Join(", ", columns.Select(c => "(p.b)." + SqlText.Ident(c)))})
                FROM pairs p WHERE {StillHolds(revert)};

                """);
        }

        sql.Append("\nCOMMIT;\n");
        return sql.ToString();
    }

    /// <summary>
    /// The row <c>t</c> is the pair <c>p</c>'s and still holds what the UPDATE wrote in the columns it changed: found by
    /// its primary key, so later changes to other columns (a sign-in's last_login_at) do not keep the update in place.
    /// A table without a primary key is matched on its whole row.
    /// </summary>
    private static string StillHolds(RevertUpdate revert)
    {
        var key = revert.Table.PrimaryKey;
        if (key.Count == 0)
        {
            return "pg_catalog.to_jsonb(t) = pg_catalog.to_jsonb(p.a)";
        }

        string Row(string alias, IEnumerable<string> names) => "ROW(" + string.Join(", ", names.Select(n => $"{alias}.{SqlText.Ident(n)}")) + ")";
        return $"{Row("t", key)} = {Row("(p.a)", key)} AND {Row("t", revert.ChangedColumns)} IS NOT DISTINCT FROM {Row("(p.a)", revert.ChangedColumns)}";
    }

    /// <summary>
    /// A query counting the statement's rows that no longer hold its after image (changed since, or gone), with up to
    /// ten of those after images: the revert leaves them alone, and the script's reader should know which.
    /// </summary>
    public static string ChangedSinceQuery(RevertUpdate revert) => $"""
        WITH pairs AS ({PairsSelect(revert)}),
             gone AS (SELECT pg_catalog.to_jsonb(p.a) AS a FROM pairs p WHERE NOT EXISTS (SELECT 1 FROM {revert.Table.QualifiedName} t WHERE {StillHolds(revert)}))
        SELECT (SELECT count(*) FROM gone), (SELECT pg_catalog.array_agg(a::text) FROM (SELECT a FROM gone LIMIT 10) x)
        """;

    private static string PairsSelect(RevertUpdate revert)
    {
        var type = revert.Table.QualifiedName;
        return $"SELECT pg_catalog.jsonb_populate_record(NULL::{type}, e->'before') AS b, pg_catalog.jsonb_populate_record(NULL::{type}, e->'after') AS a " +
            $"FROM pg_catalog.jsonb_array_elements({SqlText.DollarQuoted(revert.PairsJson)}::jsonb) e";
    }

    /// <summary>Tables ordered so each comes after the tables it references; a cycle keeps the given order for its members.</summary>
    public static IReadOnlyList<RestoreRows> ParentsFirst(IReadOnlyList<RestoreRows> tables, IReadOnlyList<(uint Child, uint Parent)> foreignKeys)
    {
        var present = tables.Select(t => t.Table.Oid).ToHashSet();
        var parents = tables.ToDictionary(t => t.Table.Oid, t => foreignKeys.Where(k => k.Child == t.Table.Oid && k.Parent != k.Child && present.Contains(k.Parent)).Select(k => k.Parent).ToHashSet());
        var ordered = new List<RestoreRows>();
        var placed = new HashSet<uint>();
        while (ordered.Count < tables.Count)
        {
            var next = tables.FirstOrDefault(t => !placed.Contains(t.Table.Oid) && parents[t.Table.Oid].All(placed.Contains))
                ?? tables.First(t => !placed.Contains(t.Table.Oid));
            ordered.Add(next);
            placed.Add(next.Table.Oid);
        }

        return ordered;
    }
}
