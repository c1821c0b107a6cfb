using Npgsql;
using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Web.Audit;

/// <summary>Connections to the audited TovPlay database.</summary>
public static class AuditDatabase
{
    public static async Task<NpgsqlConnection> OpenAsync(AuditOptions options, CancellationToken cancellationToken)
    {
        if (!options.IsConfigured)
        {
            throw new InvalidOperationException("No audited database is configured: set Audit:TargetConnection (environment Audit__TargetConnection).");
        }

        var connection = new NpgsqlConnection(options.TargetConnection);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Whether a table (schema-qualified, quoted) exists: the trail may be partly or not yet installed.</summary>
    public static async Task<bool> ExistsAsync(NpgsqlConnection connection, string relation, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", connection);
        command.Parameters.AddWithValue("name", relation);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Audited statements, in id order (newest first if asked), matching a condition on the statements table (and a LIMIT, if given).</summary>
    public static async Task<List<AuditStatement>> StatementsAsync(
        NpgsqlConnection connection, string schema, string where, Action<NpgsqlParameterCollection> parameters, CancellationToken cancellationToken, int? limit = null,
        bool newestFirst = false)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT id, tx_id, statement_at, schema_name, table_name, action, row_count, session_role, invoking_role, host(client_addr), client_port,
                   application_name, backend_pid, app_user_id, app_username, app_client_ip, correlation_id, request_path, query, table_oid
            FROM {SqlText.Qualified(schema, "statements")}
            WHERE {where}
            ORDER BY id{(newestFirst ? " DESC" : "")}
            {(limit is { } n ? $"LIMIT {n}" : "")}
            """, connection);
        parameters(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var statements = new List<AuditStatement>();
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            statements.Add(new AuditStatement(
                reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetInt64(6), reader.GetString(7), Text(8), Text(9), reader.IsDBNull(10) ? null : reader.GetInt32(10), Text(11), reader.GetInt32(12),
                Text(13), Text(14), Text(15), Text(16), Text(17), Text(18))
            {
                TableOid = reader.GetFieldValue<uint>(19),
            });
        }

        return statements;
    }

    /// <summary>When the trail was first installed: it holds nothing from before (null when it was never installed).</summary>
    public static async Task<DateTimeOffset?> TrailSinceAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT min(installed_at) FROM {SqlText.Qualified(schema, "installation")}", connection);
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
    }

    /// <summary>A query as evidence: its parameters written in as literals (display only; the query ran with parameters), longest names first.</summary>
    public static string Shown(string sql, params (string Name, string Literal)[] values) =>
        values.OrderByDescending(v => v.Name.Length).Aggregate(sql, (text, v) => text.Replace("@" + v.Name, v.Literal, StringComparison.Ordinal));

    /// <summary>A time as a literal of shown evidence.</summary>
    public static string TimeLiteral(DateTimeOffset time) =>
        SqlText.Literal(time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff'+00'", System.Globalization.CultureInfo.InvariantCulture)) + "::timestamptz";
}
