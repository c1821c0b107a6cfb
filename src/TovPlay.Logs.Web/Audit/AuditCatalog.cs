using Npgsql;
using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Web.Audit;

/// <summary>Reads the audited database's tables (ordinary, partitioned, partitions) with their columns and keys.</summary>
public static class AuditCatalog
{
    /// <summary>Foreign keys between tables: (child, parent), for restoring parents first.</summary>
    public static async Task<IReadOnlyList<(uint Child, uint Parent)>> ForeignKeysAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT DISTINCT conrelid, confrelid FROM pg_constraint WHERE contype = 'f' AND conrelid <> confrelid", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<(uint, uint)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add((reader.GetFieldValue<uint>(0), reader.GetFieldValue<uint>(1)));
        }

        return keys;
    }

    public static async Task<IReadOnlyList<AuditedTable>> TablesAsync(NpgsqlConnection connection, string auditSchema, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT c.oid, n.nspname, c.relname, c.relkind, c.relispartition,
                   (SELECT i.inhparent FROM pg_inherits i WHERE i.inhrelid = c.oid LIMIT 1) AS parent,
                   coalesce((SELECT array_agg(a.attname ORDER BY a.attnum) FROM pg_attribute a
                             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '{}') AS names,
                   coalesce((SELECT array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum) FROM pg_attribute a
                             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '{}') AS types,
                   coalesce((SELECT array_agg(a.attgenerated <> '' ORDER BY a.attnum) FROM pg_attribute a
                             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '{}') AS generated,
                   coalesce((SELECT array_agg(a.attidentity <> '' OR pg_get_serial_sequence(c.oid::regclass::text, a.attname) IS NOT NULL ORDER BY a.attnum) FROM pg_attribute a
                             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '{}') AS sequenced,
                   coalesce((SELECT array_agg(a.attname ORDER BY k.ord) FROM pg_index x
                             CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
                             JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
                             WHERE x.indrelid = c.oid AND x.indisprimary), '{}') AS pk
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
              AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'
              AND n.nspname <> @audit
            ORDER BY n.nspname, c.relname
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("audit", auditSchema);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tables = new List<AuditedTable>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var names = reader.GetFieldValue<string[]>(6);
            var types = reader.GetFieldValue<string[]>(7);
            var generated = reader.GetFieldValue<bool[]>(8);
            var sequenced = reader.GetFieldValue<bool[]>(9);
            var kind = reader.GetChar(3) == 'p' ? TableKind.Partitioned : reader.GetBoolean(4) ? TableKind.Partition : TableKind.Ordinary;
            tables.Add(new AuditedTable(
                reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetString(2), kind,
                [.. names.Select((name, i) => new TableColumn(name, types[i], generated[i], sequenced[i]))],
                reader.GetFieldValue<string[]>(10))
            {
                ParentOid = reader.IsDBNull(5) ? null : reader.GetFieldValue<uint>(5),
            });
        }

        return tables;
    }
}
