using System.Globalization;
using System.Text;

namespace TovPlay.Logs.Domain.Audit;

/// <summary>Rows to put back into one table: each a JSON object of column values, as <c>to_jsonb</c> wrote the image.</summary>
public sealed record RestoreRows(AuditedTable Table, IReadOnlyList<string> Rows);

/// <summary>
/// A SQL script that puts deleted or truncated rows back: one transaction, parents before children (foreign keys),
/// <c>INSERT ... ON CONFLICT DO NOTHING</c> so rows that exist again are left alone, values carried as JSON and typed
/// by the table itself (<c>jsonb_populate_recordset</c>), generated columns left to the table, and sequences moved
/// past the restored keys. Self-contained: it needs no access to the audit schema, so it can be reviewed, kept with
/// the incident, and run with psql.
/// </summary>
public static class RestoreScript
{
    public const int RowsPerStatement = 1000;

    /// <param name="header">Comment lines naming what is restored and why (one per line, without "--").</param>
    public static string Build(IReadOnlyList<RestoreRows> tables, IReadOnlyList<(uint Child, uint Parent)> foreignKeys, IEnumerable<string> header)
    {
        var sql = new StringBuilder();
        foreach (var line in header)
        {
            sql.Append("-- ").Append(line.ReplaceLineEndings(" ")).Append('\n');
        }

        sql.Append("BEGIN;\n");
        foreach (var restore in ParentsFirst(tables, foreignKeys))
        {
            var table = restore.Table;
            var columns = table.Columns.Where(c => !c.Generated).ToList();
            var names = string.Join(", ", columns.Select(c => SqlText.Ident(c.Name)));
            sql.Append(CultureInfo.InvariantCulture, $"\n-- {table.Display}: {restore.Rows.Count} row(s)\n");
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

        sql.Append("\nCOMMIT;\n");
        return sql.ToString();
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
