using System.Globalization;

namespace TovPlay.Logs.Domain.Audit;

/// <summary>
/// The statements table, partitioned by month of <c>statement_at</c> so a month past retention goes with one DROP
/// instead of a slow DELETE: monthly partitions made ahead of time, a default partition so a late upkeep never fails
/// the application's statement, and the retention step that drops expired months (noting each in <c>retention</c>)
/// and the row images of statements no longer kept. Ids come from their own sequence, shared by every partition.
/// </summary>
public sealed class AuditPartitions(AuditSql sql)
{
    public const string LegacyPartition = "statements_before_v4";
    public const string DefaultPartition = "statements_default";

    private string Obj(string name) => SqlText.Qualified(sql.Schema, name);

    private string Owner => SqlText.Ident(sql.OwnerRole);

    private const string Columns = """
            id bigint NOT NULL,
            tx_id bigint NOT NULL,
            statement_at timestamptz NOT NULL,
            captured_at timestamptz NOT NULL,
            table_oid oid NOT NULL,
            schema_name text NOT NULL,
            table_name text NOT NULL,
            action text NOT NULL,
            row_count bigint NOT NULL,
            session_role text NOT NULL,
            invoking_role text,
            client_addr inet,
            client_port integer,
            application_name text,
            backend_pid integer NOT NULL,
            app_user_id text,
            app_username text,
            app_client_ip text,
            correlation_id text,
            request_path text,
            -- 1 when the statement fired the capture itself; more inside another trigger.
            trigger_depth integer NOT NULL,
            query text
        """;

    /// <summary>
    /// The sequence, the partitioned table, its indexes and the retention log. A version 1 to 3 install kept one plain
    /// table: it becomes the partition for everything up to the end of the current month, with its ids going on.
    /// </summary>
    public string Install()
    {
        var statements = Obj("statements");
        var sequence = Obj("statements_id_seq");
        var legacy = Obj(LegacyPartition);
        return string.Create(CultureInfo.InvariantCulture, $"""
            DO {SqlText.DollarQuoted($"""
            DECLARE
                last bigint;
            BEGIN
                IF EXISTS (SELECT 1 FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass({SqlText.Literal(statements)}) AND relkind = 'r') THEN
                    LOCK TABLE {statements} IN ACCESS EXCLUSIVE MODE;
                    SELECT last_value INTO last FROM {sequence};
                    -- The partitioned table's key is (id, statement_at); the partition gets that one instead.
                    ALTER TABLE {statements} DROP CONSTRAINT statements_pkey;
                    ALTER TABLE {statements} RENAME TO {SqlText.Ident(LegacyPartition)};
                    ALTER INDEX {Obj("statements_statement_at_brin")} RENAME TO {SqlText.Ident(LegacyPartition + "_at")};
                    ALTER INDEX {Obj("statements_table_action")} RENAME TO {SqlText.Ident(LegacyPartition + "_table_action")};
                    ALTER INDEX {Obj("statements_tx_brin")} RENAME TO {SqlText.Ident(LegacyPartition + "_tx")};
                    ALTER TABLE {legacy} ALTER COLUMN id DROP IDENTITY;
                    CREATE SEQUENCE {sequence};
                    PERFORM pg_catalog.setval({SqlText.Literal(sequence)}, GREATEST(last, 1));
                    CREATE TABLE {statements} ({Columns}) PARTITION BY RANGE (statement_at);
                    EXECUTE pg_catalog.format('ALTER TABLE {statements.Replace("%", "%%", StringComparison.Ordinal)} ATTACH PARTITION {legacy.Replace("%", "%%", StringComparison.Ordinal)} FOR VALUES FROM (MINVALUE) TO (%L)',
                        pg_catalog.date_trunc('month', pg_catalog.now() AT TIME ZONE 'UTC') + interval '1 month');
                END IF;
            END
            """)};
            CREATE SEQUENCE IF NOT EXISTS {sequence};
            CREATE TABLE IF NOT EXISTS {statements} ({Columns}) PARTITION BY RANGE (statement_at);
            CREATE TABLE IF NOT EXISTS {Obj(DefaultPartition)} PARTITION OF {statements} DEFAULT;
            -- Unique per partition with the partition key; the sequence makes ids unique overall.
            DO {SqlText.DollarQuoted($"BEGIN IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = {SqlText.Literal(statements)}::regclass AND contype = 'p') THEN ALTER TABLE {statements} ADD PRIMARY KEY (id, statement_at); END IF; END")};
            CREATE INDEX IF NOT EXISTS statements_statement_at_brin ON {statements} USING brin (statement_at);
            CREATE INDEX IF NOT EXISTS statements_table_action ON {statements} (table_oid, action, statement_at);
            CREATE INDEX IF NOT EXISTS statements_tx ON {statements} (tx_id);
            ALTER SEQUENCE {sequence} OWNER TO {Owner};
            ALTER TABLE {statements} OWNER TO {Owner};
            ALTER TABLE {Obj(DefaultPartition)} OWNER TO {Owner};

            -- What retention removed: each dropped month, its statements, and the highest statement id it held.
            CREATE TABLE IF NOT EXISTS {Obj("retention")} (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                done_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                partition_name text NOT NULL,
                kept_from timestamptz NOT NULL,
                statement_count bigint NOT NULL,
                up_to_statement_id bigint);
            ALTER TABLE {Obj("retention")} OWNER TO {Owner};

            """);
    }

    /// <summary>
    /// Partitions for the current month (UTC, by the server's clock) and the <paramref name="ahead"/> months after,
    /// where none covers them yet. The same text every time, so an install's preview is what it runs.
    /// </summary>
    public string EnsureMonths(int ahead) => string.Create(CultureInfo.InvariantCulture, $"""
        DO {SqlText.DollarQuoted($"""
        DECLARE
            month timestamp;
            name text;
        BEGIN
            FOR i IN 0..{ahead} LOOP
                month := pg_catalog.date_trunc('month', pg_catalog.now() AT TIME ZONE 'UTC') + pg_catalog.make_interval(months => i);
                name := 'statements_' || pg_catalog.to_char(month, 'YYYYMM');
                -- Skipped when an older partition (the version 3 table) already covers the month, or the default
                -- partition holds rows of it (a late upkeep): those rows stay where they are, nothing fails.
                -- A month already there costs no DDL: creating a partition locks the statements table, and an open
                -- transaction that wrote to it would hold that lock up, and every audited write behind it.
                CONTINUE WHEN pg_catalog.to_regclass(pg_catalog.format('%I.%I', {SqlText.Literal(sql.Schema)}, name)) IS NOT NULL;
                BEGIN
                    EXECUTE pg_catalog.format('CREATE TABLE IF NOT EXISTS %I.%I PARTITION OF {Obj("statements").Replace("%", "%%", StringComparison.Ordinal)} FOR VALUES FROM (%L) TO (%L)',
                        {SqlText.Literal(sql.Schema)}, name, month::text || '+00', (month + interval '1 month')::text || '+00');
                    EXECUTE pg_catalog.format('ALTER TABLE %I.%I OWNER TO {Owner.Replace("%", "%%", StringComparison.Ordinal)}', {SqlText.Literal(sql.Schema)}, name);
                    EXECUTE pg_catalog.format('REVOKE ALL ON %I.%I FROM PUBLIC', {SqlText.Literal(sql.Schema)}, name);
                EXCEPTION WHEN invalid_object_definition OR check_violation THEN
                    NULL;
                END;
            END LOOP;
        END
        """)};

        """);

    /// <summary>
    /// Drops every partition whose range ends at or before <paramref name="cutoff"/> (and default-partition rows
    /// older than it), notes each in <c>retention</c>, then deletes the row images of statements below the oldest
    /// one kept.
    /// </summary>
    public string DropExpired(DateTimeOffset cutoff)
    {
        var cut = SqlText.Literal(cutoff.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff'+00'", CultureInfo.InvariantCulture));
        var statementColumn = SqlText.Ident(AuditSql.StatementColumn);
        return $"""
            SET LOCAL search_path = pg_catalog, pg_temp;
            DO {SqlText.DollarQuoted($"""
            DECLARE
                p record;
                n bigint;
                top bigint;
                oldest bigint;
                t record;
            BEGIN
                FOR p IN SELECT c.oid::regclass AS rel, c.relname,
                                substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \(''([^'']+)''\)')::timestamptz AS upper_bound
                         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                         WHERE i.inhparent = {SqlText.Literal(Obj("statements"))}::regclass AND c.relname <> {SqlText.Literal(DefaultPartition)} LOOP
                    IF p.upper_bound IS NOT NULL AND p.upper_bound <= {cut}::timestamptz THEN
                        EXECUTE format('SELECT count(*), max(id) FROM %s', p.rel) INTO n, top;
                        INSERT INTO {Obj("retention")} (partition_name, kept_from, statement_count, up_to_statement_id) VALUES (p.relname, {cut}::timestamptz, n, top);
                        EXECUTE format('DROP TABLE %s', p.rel);
                    END IF;
                END LOOP;
                WITH gone AS (DELETE FROM {Obj(DefaultPartition)} WHERE statement_at < {cut}::timestamptz RETURNING id)
                SELECT count(*), max(id) INTO n, top FROM gone;
                IF n > 0 THEN
                    INSERT INTO {Obj("retention")} (partition_name, kept_from, statement_count, up_to_statement_id) VALUES ({SqlText.Literal(DefaultPartition)}, {cut}::timestamptz, n, top);
                END IF;
                -- Images of statements no longer kept; those of the oldest kept statement and after stay.
                SELECT min(id) INTO oldest FROM {Obj("statements")};
                oldest := coalesce(oldest, (SELECT max(up_to_statement_id) + 1 FROM {Obj("retention")}));
                IF oldest IS NOT NULL THEN
                    FOR t IN SELECT shadow_table FROM {Obj("audited_tables")} WHERE to_regclass(quote_ident({SqlText.Literal(sql.Schema)}) || '.' || quote_ident(shadow_table)) IS NOT NULL LOOP
                        EXECUTE format('DELETE FROM %I.%I WHERE {statementColumn.Replace("%", "%%", StringComparison.Ordinal)} < $1', {SqlText.Literal(sql.Schema)}, t.shadow_table) USING oldest;
                    END LOOP;
                    DELETE FROM {Obj("rows_fallback")} WHERE statement_id < oldest;
                END IF;
            END
            """)};

            """;
    }
}
