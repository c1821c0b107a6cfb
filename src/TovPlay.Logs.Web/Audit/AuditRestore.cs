using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.Audit;

/// <summary>The application user a restore runs for: recorded as the context of the restore's own statements.</summary>
public sealed record RestoringUser(string Name, string? Id);

/// <summary>A restore was asked for without typing the table's name.</summary>
public sealed class RestoreNotConfirmedException(string message) : Exception(message);

/// <summary>
/// Builds (and runs) restore scripts from the audit trail: rows that DELETE, TRUNCATE or DROP TABLE removed go back,
/// UPDATEs are taken back where the row still holds what they wrote.
/// </summary>
public sealed class AuditRestore(IOptions<AuditOptions> options, AuditReader reader, TimeProvider time)
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

    /// <summary>
    /// The script for every DELETE, TRUNCATE, DROP TABLE and UPDATE the filter finds (a time window, a table, a
    /// user...), at most <see cref="MaxStatementsPerScript"/> of them.
    /// </summary>
    public async Task<string> ForFilterAsync(AuditFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var where = filter.ToSql(time.GetUtcNow());
        var statements = await StatementsAsync(connection, where.Sql + $" AND action IN ({AuditStatement.SqlList(AuditStatement.RestorableActions)})", p =>
        {
            foreach (var (name, value) in where.Parameters)
            {
                p.AddWithValue(name, value);
            }
        }, cancellationToken, MaxStatementsPerScript + 1);
        if (statements.Count == 0)
        {
            throw new InvalidOperationException("Nothing in this window was deleted, truncated or updated.");
        }

        if (statements.Count > MaxStatementsPerScript)
        {
            throw new InvalidOperationException($"More than {MaxStatementsPerScript:N0} statements match: narrow the window or the filter.");
        }

        return await BuildAsync(connection, statements, $"{statements.Count} statement(s) matching {filter.ToQueryString()}", cancellationToken);
    }

    /// <summary>The script for every DELETE, TRUNCATE and UPDATE of one transaction (a cascade spans several tables).</summary>
    public async Task<string> ForTransactionAsync(long txId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var statements = await StatementsAsync(connection, $"tx_id = @tx AND action IN ({AuditStatement.SqlList(AuditStatement.RestorableActions)})", p => p.AddWithValue("tx", txId), cancellationToken);
        if (statements.Count == 0)
        {
            throw new InvalidOperationException($"Transaction {txId} deleted, truncated or updated nothing the audit saw.");
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

    public const int MaxStatementsPerScript = 10_000;

    private async Task<string> BuildAsync(NpgsqlConnection connection, IReadOnlyList<AuditStatement> statements, string what, CancellationToken cancellationToken)
    {
        var refused = statements.FirstOrDefault(s => !s.Restorable);
        if (refused is not null)
        {
            throw new InvalidOperationException($"Statement {refused.Id} is an {refused.Action}: only rows removed by DELETE, TRUNCATE or DROP TABLE, or changed by UPDATE, can be restored this way.");
        }

        var current = await AuditCatalog.TablesAsync(connection, Options.Schema, cancellationToken);
        var tables = current.ToDictionary(t => t.Oid);
        var restores = new List<RestoreRows>();
        var reverts = new List<RevertUpdate>();
        var notes = new List<string>();
        // Rows the script puts back, by the oid their statements saw.
        var removed = new HashSet<(uint Table, string Row)>();
        foreach (var group in statements.Where(s => s.Removes).GroupBy(s => s.TableOid))
        {
            // A dropped table comes back under a new oid: the one recreated under the same name takes its rows.
            var table = tables.GetValueOrDefault(group.Key) ?? current.FirstOrDefault(t => $"{t.Schema}.{t.Name}" == group.First().QualifiedTable);
            if (table is null)
            {
                throw new InvalidOperationException($"Table {group.First().QualifiedTable} no longer exists: recreate it before restoring its rows.");
            }

            var rows = await RowsAsync(connection, group.Key, [.. group.Select(s => s.Id)], cancellationToken);
            restores.Add(new RestoreRows(table, rows));
            removed.UnionWith(rows.Select(row => (group.Key, RowChange.Canonical(row))));
        }

        // Newest first, as the script takes them back: a row a later statement of this script changed gets its state
        // back from that statement's revert (or restore) first, so only rows changed by others count as changed since.
        var handled = new HashSet<(uint Table, string Row)>(removed);

        foreach (var update in statements.Where(s => s.Action == "UPDATE").OrderByDescending(s => s.Id))
        {
            var table = tables.GetValueOrDefault(update.TableOid)
                ?? throw new InvalidOperationException($"Table {update.QualifiedTable} is gone: statement {update.Id} cannot be taken back.");
            var revert = new RevertUpdate(table, update.Id, await reader.ChangesAsync(update, cancellationToken, all: true));
            reverts.Add(revert);
            var exposed = revert with { Changes = [.. revert.Changes.Where(c => c.After is not null && !handled.Contains((update.TableOid, RowChange.Canonical(c.After))))] };
            foreach (var change in revert.Changes.Where(c => c.Before is not null))
            {
                handled.Add((update.TableOid, RowChange.Canonical(change.Before!)));
            }

            if (exposed.Changes.Count == 0)
            {
                continue;
            }

            await using var check = new NpgsqlCommand(RestoreScript.ChangedSinceQuery(exposed), connection);
            await using var result = await check.ExecuteReaderAsync(cancellationToken);
            await result.ReadAsync(cancellationToken);
            if (result.GetInt64(0) is > 0 and var changed)
            {
                notes.Add($"statement {update.Id}: {changed} of {revert.Changes.Count} row(s) changed since (or are gone) and stay as they are now, e.g. "
                    + string.Join("; ", result.GetFieldValue<string[]>(1).Take(3)));
            }
        }


        var header = new List<string>
        {
            $"TovPlay Logs restore script for {what}, generated {time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)}.",
            "Puts back the rows these statements removed (rows that exist again are left as they are) and takes their updates back (rows changed since are left as they are). Review it, then run it in one go (psql -1 -f).",
        };
        header.AddRange(statements.Select(s =>
            $"statement {s.Id}: {s.Action} on {s.QualifiedTable}, {s.Rows} row(s), {UtcText.Millis(s.StatementAt)}, role {s.SessionRole}{(s.AppUsername is null ? "" : ", app user " + s.AppUsername)}"));
        header.AddRange(notes);
        return RestoreScript.Build(restores, await AuditCatalog.ForeignKeysAsync(connection, cancellationToken), header, reverts);
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

    private Task<List<AuditStatement>> StatementsAsync(
        NpgsqlConnection connection, string where, Action<NpgsqlParameterCollection> parameters, CancellationToken cancellationToken, int? limit = null) =>
        AuditDatabase.StatementsAsync(connection, Options.Schema, where, parameters, cancellationToken, limit);

    private Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => AuditDatabase.OpenAsync(Options, cancellationToken);
}
