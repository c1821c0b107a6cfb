using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Web.Audit;

/// <summary>The application user a restore runs for: recorded as the context of the restore's own statements.</summary>
public sealed record RestoringUser(string Name, string? Id);

/// <summary>A restore was asked for without typing the table's name.</summary>
public sealed class RestoreNotConfirmedException(string message) : Exception(message);

/// <summary>Builds (and runs) restore scripts for rows that DELETE or TRUNCATE statements removed, from the audit trail.</summary>
public sealed class AuditRestore(IOptions<AuditOptions> options, TimeProvider time)
{
    private AuditOptions Options => options.Value;

    private string Obj(string name) => SqlText.Qualified(Options.Schema, name);

    /// <summary>The script for these statements (DELETE, TRUNCATE or DROP TABLE); any other statement is refused with its action.</summary>
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

    /// <summary>The script for every DELETE and TRUNCATE of the transaction this statement ran in.</summary>
    public async Task<string> ForStatementTransactionAsync(long statementId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var statement = (await StatementsAsync(connection, "id = @id", p => p.AddWithValue("id", statementId), cancellationToken)).SingleOrDefault()
            ?? throw new InvalidOperationException($"No audited statement {statementId}.");
        return await ForTransactionAsync(statement.TxId, cancellationToken);
    }

    /// <summary>The script for every DELETE and TRUNCATE of one transaction (a cascade spans several tables).</summary>
    public async Task<string> ForTransactionAsync(long txId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var statements = await StatementsAsync(connection, "tx_id = @tx AND action IN ('DELETE', 'TRUNCATE', 'DROP TABLE')", p => p.AddWithValue("tx", txId), cancellationToken);
        if (statements.Count == 0)
        {
            throw new InvalidOperationException($"Transaction {txId} deleted or truncated nothing the audit saw.");
        }

        return await BuildAsync(connection, statements, $"transaction {txId}", cancellationToken);
    }

    /// <summary>
    /// Runs the restore of one statement (or its whole transaction) in the audited database, in one transaction,
    /// after checking <paramref name="confirmation"/> names the statement's table. The script is built here, never
    /// taken from the caller. The restoring user is set as the application context, so the trail records the
    /// restore's INSERTs under their name; returns those statements.
    /// </summary>
    public async Task<IReadOnlyList<AuditStatement>> RunAsync(long statementId, bool wholeTransaction, string confirmation, RestoringUser user, CancellationToken cancellationToken)
    {
        string script;
        await using (var connection = await OpenAsync(cancellationToken))
        {
            var statement = (await StatementsAsync(connection, "id = @id", p => p.AddWithValue("id", statementId), cancellationToken)).SingleOrDefault()
                ?? throw new InvalidOperationException($"No audited statement {statementId}.");
            if (!ConfirmationMatches(statement, confirmation))
            {
                throw new RestoreNotConfirmedException($"Type the table name {statement.Table} to confirm the restore.");
            }

            script = wholeTransaction ? await ForTransactionAsync(statement.TxId, cancellationToken) : await BuildAsync(connection, [statement], $"statement(s) {statementId}", cancellationToken);
        }

        var correlation = "restore-" + Guid.NewGuid().ToString("N");
        await using (var connection = await OpenAsync(cancellationToken))
        {
            await using (var context = new NpgsqlCommand(
                "SELECT set_config('application_name', 'tovplay-logs restore', false), set_config('tovplay.username', @name, false), set_config('tovplay.user_id', @id, false), " +
                "set_config('tovplay.correlation_id', @correlation, false), set_config('tovplay.request_path', @path, false)", connection))
            {
                context.Parameters.AddWithValue("name", user.Name);
                context.Parameters.AddWithValue("id", user.Id ?? "");
                context.Parameters.AddWithValue("correlation", correlation);
                context.Parameters.AddWithValue("path", $"restore of statement {statementId}{(wholeTransaction ? " and its transaction" : "")}");
                await context.ExecuteNonQueryAsync(cancellationToken);
            }

            // The script is one transaction (BEGIN ... COMMIT): a failure anywhere leaves the data as it was.
            try
            {
                await using var run = new NpgsqlCommand(script, connection) { CommandTimeout = 600 };
                await run.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException)
            {
                await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
                await rollback.ExecuteNonQueryAsync(CancellationToken.None);
                throw;
            }

            return await StatementsAsync(connection, "correlation_id = @c", p => p.AddWithValue("c", correlation), cancellationToken);
        }
    }

    /// <summary>The table's name, bare or with its schema, exactly as the trail spells it.</summary>
    public static bool ConfirmationMatches(AuditStatement statement, string? confirmation) =>
        confirmation?.Trim() is { } typed && (typed == statement.Table || typed == $"{statement.Schema}.{statement.Table}");

    private async Task<string> BuildAsync(NpgsqlConnection connection, IReadOnlyList<AuditStatement> statements, string what, CancellationToken cancellationToken)
    {
        var refused = statements.FirstOrDefault(s => s.Action is not ("DELETE" or "TRUNCATE" or "DROP TABLE"));
        if (refused is not null)
        {
            throw new InvalidOperationException($"Statement {refused.Id} is an {refused.Action}: only rows removed by DELETE, TRUNCATE or DROP TABLE can be restored this way.");
        }

        var current = await AuditCatalog.TablesAsync(connection, Options.Schema, cancellationToken);
        var tables = current.ToDictionary(t => t.Oid);
        var restores = new List<RestoreRows>();
        foreach (var group in statements.GroupBy(s => s.TableOid))
        {
            // A dropped table comes back under a new oid: the one recreated under the same name takes its rows.
            var table = tables.GetValueOrDefault(group.Key) ?? current.FirstOrDefault(t => $"{t.Schema}.{t.Name}" == group.First().QualifiedTable);
            if (table is null)
            {
                throw new InvalidOperationException($"Table {group.First().QualifiedTable} no longer exists: recreate it before restoring its rows.");
            }

            restores.Add(new RestoreRows(table, await RowsAsync(connection, group.Key, [.. group.Select(s => s.Id)], cancellationToken)));
        }

        var header = new List<string>
        {
            $"TovPlay Logs restore script for {what}, generated {time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)}.",
            "Puts back the rows these statements removed; rows that exist again are left as they are. Review it, then run it in one go (psql -1 -f).",
        };
        header.AddRange(statements.Select(s =>
            $"statement {s.Id}: {s.Action} on {s.QualifiedTable}, {s.Rows} row(s), {s.StatementAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture)}, role {s.SessionRole}{(s.AppUsername is null ? "" : ", app user " + s.AppUsername)}"));
        return RestoreScript.Build(restores, await AuditCatalog.ForeignKeysAsync(connection, cancellationToken), header);
    }

    /// <summary>Before images the statements kept: in the table's shadow (by the oid it had then) and as jsonb in the fallback.</summary>
    private async Task<IReadOnlyList<string>> RowsAsync(NpgsqlConnection connection, uint tableOid, long[] statementIds, CancellationToken cancellationToken)
    {
        var shadow = Obj(AuditSql.ShadowTable(tableOid));
        var fromShadow = !await AuditDatabase.ExistsAsync(connection, shadow, cancellationToken) ? "" : $"SELECT {AuditSql.ShadowRowJson("r")}::text FROM {shadow} r WHERE r.{SqlText.Ident(AuditSql.StatementColumn)} = ANY(@ids) AND r.{SqlText.Ident(AuditSql.ImageColumn)} = 'O' UNION ALL ";
        await using var command = new NpgsqlCommand($"""
            {fromShadow}SELECT row_image::text FROM {Obj("rows_fallback")} WHERE statement_id = ANY(@ids) AND image = 'O'
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

    private Task<List<AuditStatement>> StatementsAsync(NpgsqlConnection connection, string where, Action<NpgsqlParameterCollection> parameters, CancellationToken cancellationToken) =>
        AuditDatabase.StatementsAsync(connection, Options.Schema, where, parameters, cancellationToken);

    private Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => AuditDatabase.OpenAsync(Options, cancellationToken);
}
