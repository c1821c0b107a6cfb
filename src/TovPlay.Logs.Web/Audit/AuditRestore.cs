using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Web.Audit;

/// <summary>Builds restore scripts for rows that DELETE or TRUNCATE statements removed, from the audit trail.</summary>
public sealed class AuditRestore(IOptions<AuditOptions> options, TimeProvider time)
{
    private AuditOptions Options => options.Value;

    private string Obj(string name) => SqlText.Qualified(Options.Schema, name);

    /// <summary>The script for these statements (DELETE or TRUNCATE); any other statement is refused with its action.</summary>
    public async Task<string> ForStatementsAsync(IReadOnlyCollection<long> statementIds, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var statements = await StatementsAsync(connection, "id = ANY(@ids)", p => p.AddWithValue("ids", statementIds.ToArray()), cancellationToken);
        var missing = statementIds.Except(statements.Select(s => s.Id)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"No audited statement {string.Join(", ", missing)}.");
        }

        return await BuildAsync(connection, statements, $"statement(s) {string.Join(", ", statementIds)}", cancellationToken);
    }

    /// <summary>The script for every DELETE and TRUNCATE of one transaction (a cascade spans several tables).</summary>
    public async Task<string> ForTransactionAsync(long txId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var statements = await StatementsAsync(connection, "tx_id = @tx AND action IN ('DELETE', 'TRUNCATE')", p => p.AddWithValue("tx", txId), cancellationToken);
        if (statements.Count == 0)
        {
            throw new InvalidOperationException($"Transaction {txId} deleted or truncated nothing the audit saw.");
        }

        return await BuildAsync(connection, statements, $"transaction {txId}", cancellationToken);
    }

    private sealed record Statement(long Id, uint TableOid, string Table, string Action, DateTimeOffset At, string SessionRole, string? AppUser, long Rows);

    private async Task<string> BuildAsync(NpgsqlConnection connection, IReadOnlyList<Statement> statements, string what, CancellationToken cancellationToken)
    {
        var refused = statements.FirstOrDefault(s => s.Action is not ("DELETE" or "TRUNCATE"));
        if (refused is not null)
        {
            throw new InvalidOperationException($"Statement {refused.Id} is an {refused.Action}: only rows removed by DELETE or TRUNCATE can be restored this way.");
        }

        var tables = (await AuditCatalog.TablesAsync(connection, Options.Schema, cancellationToken)).ToDictionary(t => t.Oid);
        var restores = new List<RestoreRows>();
        foreach (var group in statements.GroupBy(s => s.TableOid))
        {
            if (!tables.TryGetValue(group.Key, out var table))
            {
                throw new InvalidOperationException($"Table {group.First().Table} no longer exists (oid {group.Key}): recreate it before restoring its rows.");
            }

            restores.Add(new RestoreRows(table, await RowsAsync(connection, table, [.. group.Select(s => s.Id)], cancellationToken)));
        }

        var header = new List<string>
        {
            $"TovPlay Logs restore script for {what}, generated {time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)}.",
            "Puts back the rows these statements removed; rows that exist again are left as they are. Review it, then run it in one go (psql -1 -f).",
        };
        header.AddRange(statements.Select(s =>
            $"statement {s.Id}: {s.Action} on {s.Table}, {s.Rows} row(s), {s.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture)}, role {s.SessionRole}{(s.AppUser is null ? "" : ", app user " + s.AppUser)}"));
        return RestoreScript.Build(restores, await AuditCatalog.ForeignKeysAsync(connection, cancellationToken), header);
    }

    private async Task<IReadOnlyList<string>> RowsAsync(NpgsqlConnection connection, AuditedTable table, long[] statementIds, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT (to_jsonb(r) - 'statement_id' - 'image' - 'ordinal')::text FROM {Obj(AuditSql.ShadowTable(table))} r WHERE statement_id = ANY(@ids) AND image = 'O'
            UNION ALL
            SELECT row_image::text FROM {Obj("rows_fallback")} WHERE statement_id = ANY(@ids) AND image = 'O'
            """, connection);
        command.Parameters.AddWithValue("ids", statementIds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private async Task<IReadOnlyList<Statement>> StatementsAsync(NpgsqlConnection connection, string where, Action<NpgsqlParameterCollection> parameters, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT id, table_oid, schema_name || '.' || table_name, action, statement_at, session_role, app_username, row_count FROM {Obj("statements")} WHERE {where} ORDER BY id", connection);
        parameters(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var statements = new List<Statement>();
        while (await reader.ReadAsync(cancellationToken))
        {
            statements.Add(new Statement(reader.GetInt64(0), reader.GetFieldValue<uint>(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetInt64(7)));
        }

        return statements;
    }

    private Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => AuditDatabase.OpenAsync(Options, cancellationToken);
}
