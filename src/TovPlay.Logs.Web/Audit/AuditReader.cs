using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Web.Audit;

/// <summary>One version of a row in its history: the statement that made it and what it did to the row.</summary>
public sealed record RowVersion(AuditStatement Statement, RowChange Change);

/// <summary>Reads the audit trail for the Audit page and its export: statements by filter, their rows, one row's history.</summary>
public sealed class AuditReader(IOptions<AuditOptions> options, TimeProvider time)
{
    public const int MaxRowsShown = 1000;
    public const int MaxVersions = 500;

    private AuditOptions Options => options.Value;

    private string Obj(string name) => SqlText.Qualified(Options.Schema, name);

    /// <summary>Statements matching the filter, newest first, older than <paramref name="beforeId"/> when paging on.</summary>
    public async Task<IReadOnlyList<AuditStatement>> SearchAsync(AuditFilter filter, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await AuditDatabase.OpenAsync(Options, cancellationToken);
        if (!await AuditDatabase.ExistsAsync(connection, Obj("statements"), cancellationToken))
        {
            throw new InvalidOperationException($"The audit trail is not installed in this database (no {Options.Schema}.statements): install it under Admin, Database audit.");
        }

        var where = filter.ToSql(time.GetUtcNow());
        return await AuditDatabase.StatementsAsync(connection, Options.Schema, where.Sql + (beforeId is null ? "" : " AND id < @before"), p =>
        {
            foreach (var (name, value) in where.Parameters)
            {
                p.AddWithValue(name, value);
            }

            if (beforeId is { } before)
            {
                p.AddWithValue("before", before);
            }
        }, cancellationToken, limit, newestFirst: true);
    }

    public async Task<AuditStatement?> StatementAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await AuditDatabase.OpenAsync(Options, cancellationToken);
        var found = await AuditDatabase.StatementsAsync(connection, Options.Schema, "id = @id", p => p.AddWithValue("id", id), cancellationToken);
        return found.SingleOrDefault();
    }

    /// <summary>What the statement did to each row: the first <see cref="MaxRowsShown"/> rows, or <paramref name="all"/> of them.</summary>
    public async Task<IReadOnlyList<RowChange>> ChangesAsync(AuditStatement statement, CancellationToken cancellationToken, bool all = false)
    {
        await using var connection = await AuditDatabase.OpenAsync(Options, cancellationToken);
        var statementColumn = SqlText.Ident(AuditSql.StatementColumn);
        var images = await ImagesAsync(connection, statement.TableOid, $"r.{statementColumn} = @id", "statement_id = @id", p => p.AddWithValue("id", statement.Id), cancellationToken, all);
        return RowChange.Pair(images);
    }

    /// <summary>The table's primary key columns as the catalog has them now (empty when it has none or is gone).</summary>
    public async Task<IReadOnlyList<string>> KeyColumnsAsync(uint tableOid, CancellationToken cancellationToken)
    {
        await using var connection = await AuditDatabase.OpenAsync(Options, cancellationToken);
        var tables = await AuditCatalog.TablesAsync(connection, Options.Schema, cancellationToken);
        return tables.FirstOrDefault(t => t.Oid == tableOid)?.PrimaryKey ?? [];
    }

    /// <summary>
    /// Every version of one row, oldest first: the images whose key columns hold <paramref name="keyJson"/> (a JSON
    /// object), with the other half of an UPDATE that changed the key.
    /// </summary>
    public async Task<IReadOnlyList<RowVersion>> HistoryAsync(uint tableOid, string keyJson, CancellationToken cancellationToken)
    {
        await using var connection = await AuditDatabase.OpenAsync(Options, cancellationToken);
        var shadow = Obj(AuditSql.ShadowTable(tableOid));
        var (statementColumn, ordinalColumn) = (SqlText.Ident(AuditSql.StatementColumn), SqlText.Ident(AuditSql.OrdinalColumn));
        // A match, or the other half (same statement and ordinal) of an UPDATE pair; ordinal 0 has no pairs.
        var shadowWhere = $"""
            ({AuditSql.ShadowRowJson("r")} @> @key OR (r.{ordinalColumn} > 0 AND (r.{statementColumn}, r.{ordinalColumn}) IN
                (SELECT x.{statementColumn}, x.{ordinalColumn} FROM {shadow} x WHERE x.{ordinalColumn} > 0 AND {AuditSql.ShadowRowJson("x")} @> @key)))
            """;
        var fallbackWhere = $"""
            (row_image @> @key OR (ordinal > 0 AND (statement_id, ordinal) IN
                (SELECT statement_id, ordinal FROM {Obj("rows_fallback")} WHERE table_oid = @oid AND ordinal > 0 AND row_image @> @key)))
            """;
        var images = await ImagesAsync(connection, tableOid, shadowWhere, fallbackWhere,
            p => p.Add(new NpgsqlParameter("key", NpgsqlTypes.NpgsqlDbType.Jsonb) { Value = keyJson }), cancellationToken);
        var changes = RowChange.Pair(images).TakeLast(MaxVersions).ToList();
        var ids = changes.Select(c => c.StatementId).Distinct().ToArray();
        var statements = (await AuditDatabase.StatementsAsync(connection, Options.Schema, "id = ANY(@ids)", p => p.AddWithValue("ids", ids), cancellationToken))
            .ToDictionary(s => s.Id);
        return [.. changes.Where(c => statements.ContainsKey(c.StatementId)).Select(c => new RowVersion(statements[c.StatementId], c))];
    }

    /// <summary>
    /// Row images from the table's shadow (whole rows, in column order) and from the jsonb fallback (its condition
    /// applies to the table's rows there; <c>@oid</c> is the table's oid).
    /// </summary>
    private async Task<List<RowImage>> ImagesAsync(
        NpgsqlConnection connection, uint tableOid, string shadowWhere, string fallbackWhere, Action<NpgsqlParameterCollection> parameters, CancellationToken cancellationToken,
        bool all = false)
    {
        var shadow = Obj(AuditSql.ShadowTable(tableOid));
        var (statementColumn, imageColumn, ordinalColumn) = (SqlText.Ident(AuditSql.StatementColumn), SqlText.Ident(AuditSql.ImageColumn), SqlText.Ident(AuditSql.OrdinalColumn));
        var fromShadow = await AuditDatabase.ExistsAsync(connection, shadow, cancellationToken)
            ? $"SELECT r.{statementColumn}, r.{imageColumn}, r.{ordinalColumn}, row_to_json(r)::text FROM {shadow} r WHERE {shadowWhere} UNION ALL "
            : "";
        await using var command = new NpgsqlCommand($"""
            SELECT * FROM (
                {fromShadow}SELECT statement_id, image, ordinal, row_image::text FROM {Obj("rows_fallback")} WHERE table_oid = @oid AND {fallbackWhere}
            ) x ORDER BY 1, 3, 2 DESC
            {(all ? "" : $"LIMIT {MaxRowsShown * 2}")}
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("oid", NpgsqlTypes.NpgsqlDbType.Oid) { Value = tableOid });
        parameters(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var images = new List<RowImage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            images.Add(new RowImage(reader.GetInt64(0), reader.GetChar(1), reader.GetInt32(2), reader.GetString(3)));
        }

        return images;
    }
}
