using System.Globalization;
using System.Text;

namespace TovPlay.Logs.Domain.Audit;

/// <summary>
/// The SQL that installs the audit trail into the TovPlay database. Design, and why:
/// <list type="bullet">
/// <item>One <c>statements</c> row per audited statement and table, with its connection context and text, so "who
/// changed this table when" never reads row images.</item>
/// <item>Row images go to a same-typed shadow table per audited table (<c>rows_&lt;oid&gt;</c>), copied from the
/// statement's transition tables by a capture function generated per table with static SQL: cached plans, no jsonb
/// conversion on the write path (it dominated bulk cost), and no single huge value that could fail the statement.</item>
/// <item>TRUNCATE is captured BEFORE, at statement level, by copying the rows it is about to remove.</item>
/// <item>Capture functions run as a NOLOGIN owner role (SECURITY DEFINER) with a fixed search_path, so the roles they
/// watch can neither read nor write the trail; the invoking role is noted by a BEFORE statement trigger that runs
/// as the caller, since inside a definer function current_user is the owner.</item>
/// <item>A table that changed shape since install keeps being captured (as jsonb) instead of failing the
/// application's statement; the coverage report says it needs regenerating.</item>
/// </list>
/// </summary>
/// <param name="shapeGuard">
/// Wrap each capture in a block that falls back to jsonb when the table changed shape. It costs a subtransaction
/// per audited statement; it may go only where something else regenerates the capture on every ALTER TABLE.
/// </param>
public sealed class AuditSql(string schema = AuditSql.DefaultSchema, string ownerRole = AuditSql.DefaultOwnerRole, bool shapeGuard = true)
{
    public const string DefaultSchema = "tovplay_audit";
    public const string DefaultOwnerRole = "tovplay_audit_owner";

    /// <summary>The version of the generated objects; a higher one means an upgrade is due.</summary>
    public const int Version = 5;

    /// <summary>Monthly partitions of the statements are kept ready this many months ahead.</summary>
    public const int MonthsAhead = 2;

    public const string InvokerSetting = "tovplay_audit.invoker";

    /// <summary>The application context the backend sets per transaction (DESIGN.md §3).</summary>
    public static readonly IReadOnlyList<(string Setting, string Column)> ContextSettings =
    [
        ("tovplay.user_id", "app_user_id"), ("tovplay.username", "app_username"), ("tovplay.client_ip", "app_client_ip"),
        ("tovplay.correlation_id", "correlation_id"), ("tovplay.request_path", "request_path"),
    ];

    /// <summary>
    /// SQL for the moment before which every captured statement is final: the start of the oldest open transaction
    /// (a statement takes its id when captured, so one still to commit has a higher id than any captured before it).
    /// Reading other sessions' transaction starts needs pg_read_all_stats, which the installing role has. Client sessions
    /// only: an autovacuum worker's transaction captures no statement, and counting it held every later statement back
    /// for as long as it vacuumed.
    /// </summary>
    public const string FinishedBefore =
        "coalesce((SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL AND backend_type = 'client backend'), clock_timestamp())";

    private const string Header = "SET LOCAL search_path = pg_catalog, pg_temp;\nSET LOCAL client_min_messages = warning;\n";

    public string Schema { get; } = schema;

    public string OwnerRole { get; } = ownerRole;

    private string S => SqlText.Ident(Schema);

    private string Owner => SqlText.Ident(OwnerRole);

    private string Obj(string name) => SqlText.Qualified(Schema, name);

    /// <summary>
    /// A shadow table's own columns, before the table's: named with a <c>$</c>, legal inside a PostgreSQL name, so
    /// that a table's column (an <c>image</c> or <c>ordinal</c> of its own) never collides with them.
    /// </summary>
    public const string StatementColumn = "audit$statement";

    public const string ImageColumn = "audit$image";

    public const string OrdinalColumn = "audit$ordinal";

    public static readonly IReadOnlyList<string> ShadowColumns = [StatementColumn, ImageColumn, OrdinalColumn];

    /// <summary>A shadow row's table columns as <c>jsonb</c>, without the shadow's own.</summary>
    public static string ShadowRowJson(string alias) =>
        $"(to_jsonb({alias}) - '{StatementColumn}' - '{ImageColumn}' - '{OrdinalColumn}')";

    public static string ShadowTable(AuditedTable table) => ShadowTable(table.Oid);

    /// <summary>Named by the oid the table had when it was audited, so a dropped table's images stay findable.</summary>
    public static string ShadowTable(uint tableOid) => "rows_" + tableOid.ToString(CultureInfo.InvariantCulture);

    public static string CaptureFunction(AuditedTable table, string action) => $"capture_{table.Oid.ToString(CultureInfo.InvariantCulture)}_{action}";

    /// <summary>The triggers installed on a table, by name: every one starts with the schema's prefix.</summary>
    public static IReadOnlyList<string> TriggerNames(AuditedTable table) => table.Kind switch
    {
        TableKind.Partitioned => [InvokerTrigger, "tovplay_audit_insert", "tovplay_audit_update", "tovplay_audit_delete"],
        _ => [InvokerTrigger, "tovplay_audit_insert", "tovplay_audit_update", "tovplay_audit_delete", "tovplay_audit_truncate"],
    };

    private const string InvokerTrigger = "tovplay_audit_invoker";

    /// <summary>The schema, its owner role, the statement table and the shared functions. Safe to run again.</summary>
    public string InstallSchema()
    {
        var partitions = new AuditPartitions(this);
        var sql = new StringBuilder(Header);
        sql.Append(CultureInfo.InvariantCulture, $"""
            DO {SqlText.DollarQuoted($"BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {SqlText.Literal(OwnerRole)}) THEN CREATE ROLE {Owner} NOLOGIN; END IF; END")};
            ALTER ROLE {Owner} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
            CREATE SCHEMA IF NOT EXISTS {S} AUTHORIZATION {Owner};
            ALTER SCHEMA {S} OWNER TO {Owner};
            REVOKE ALL ON SCHEMA {S} FROM PUBLIC;

            CREATE TABLE IF NOT EXISTS {Obj("installation")} (
                version integer NOT NULL,
                installed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                installed_by text NOT NULL DEFAULT session_user,
                -- The newest catalog object at the last install: a table with a higher oid was created since.
                catalog_high_oid oid);

            CREATE TABLE IF NOT EXISTS {Obj("audited_tables")} (
                table_oid oid PRIMARY KEY,
                schema_name text NOT NULL,
                table_name text NOT NULL,
                kind text NOT NULL,
                shadow_table text NOT NULL,
                columns_signature text NOT NULL,
                version integer NOT NULL,
                installed_at timestamptz NOT NULL DEFAULT clock_timestamp());

            -- Hash-chain checkpoints: statements (previous last_statement_id, last_statement_id], their count and the chain hash.
            CREATE TABLE IF NOT EXISTS {Obj("seals")} (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                sealed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                first_statement_id bigint NOT NULL,
                last_statement_id bigint NOT NULL,
                statement_count bigint NOT NULL,
                previous_hash bytea NOT NULL,
                hash bytea NOT NULL);

            -- How far each sink has shipped the statements (a high-water mark, so each goes out once).
            CREATE TABLE IF NOT EXISTS {Obj("shipping")} (
                sink text PRIMARY KEY,
                last_statement_id bigint NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT clock_timestamp());

            {partitions.Install()}
            {partitions.EnsureMonths(MonthsAhead)}
            -- Rows of a table whose shape changed since its capture was generated, kept as jsonb.
            CREATE TABLE IF NOT EXISTS {Obj("rows_fallback")} (
                statement_id bigint NOT NULL,
                table_oid oid NOT NULL,
                image "char" NOT NULL,
                ordinal integer NOT NULL,
                row_image jsonb NOT NULL);
            CREATE INDEX IF NOT EXISTS rows_fallback_statement ON {Obj("rows_fallback")} USING brin (statement_id);

            -- Runs as the caller, before the statement: the capture runs as the owner and cannot see who called.
            -- Only for a statement not started by another trigger: the child deletes of ON DELETE CASCADE run as
            -- the child table's owner, and their capture fires with the parent's, so they keep the parent's caller.
            -- Every call is qualified instead of fixing search_path (a SET clause costs each statement): the caller
            -- cannot put a look-alike set_config in front of pg_catalog's.
            CREATE OR REPLACE FUNCTION {Obj("note_invoker")}() RETURNS trigger LANGUAGE plpgsql AS {SqlText.DollarQuoted($"""
                BEGIN
                    IF pg_catalog.pg_trigger_depth() OPERATOR(pg_catalog.<=) 1 THEN
                        PERFORM pg_catalog.set_config({SqlText.Literal(InvokerSetting)}, CURRENT_USER, true);
                    END IF;
                    RETURN NULL;
                END
            """)};

            ALTER TABLE {Obj("installation")} OWNER TO {Owner};
            ALTER TABLE {Obj("audited_tables")} OWNER TO {Owner};
            ALTER TABLE {Obj("statements")} OWNER TO {Owner};
            ALTER TABLE {Obj("shipping")} OWNER TO {Owner};
            ALTER TABLE {Obj("seals")} OWNER TO {Owner};
            ALTER TABLE {Obj("rows_fallback")} OWNER TO {Owner};
            DROP FUNCTION IF EXISTS {Obj("record_statement")}(bigint, oid, text, text, text, bigint);
            ALTER FUNCTION {Obj("note_invoker")}() OWNER TO {Owner};
            REVOKE ALL ON ALL TABLES IN SCHEMA {S} FROM PUBLIC;
            REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {S} FROM PUBLIC;
            INSERT INTO {Obj("installation")} (version) SELECT {Version} WHERE NOT EXISTS (SELECT 1 FROM {Obj("installation")} WHERE version = {Version});

            """);
        return sql.ToString();
    }

    /// <summary>Closes an install: notes how far the catalog went, so tables created later are reported as new.</summary>
    public string FinishInstall() =>
        $"UPDATE {Obj("installation")} SET catalog_high_oid = (SELECT max(oid) FROM pg_class) WHERE version = {Version};\n";

    /// <summary>The shadow table, capture functions and triggers of one table, replacing any earlier ones. Safe to run again.</summary>
    public string InstallTable(AuditedTable table)
    {
        if (table.Columns.FirstOrDefault(c => ShadowColumns.Contains(c.Name)) is { } clash)
        {
            throw new ArgumentException($"{table.Display} has a column named {clash.Name}, which the audit keeps for itself; rename it to audit this table.");
        }

        var shadow = Obj(ShadowTable(table));
        var columns = table.Columns;
        var sql = new StringBuilder(Header);
        var (statementColumn, imageColumn, ordinalColumn) = (SqlText.Ident(StatementColumn), SqlText.Ident(ImageColumn), SqlText.Ident(OrdinalColumn));
        sql.Append(CultureInfo.InvariantCulture, $"""
            CREATE TABLE IF NOT EXISTS {shadow} ({statementColumn} bigint NOT NULL, {imageColumn} "char" NOT NULL, {ordinalColumn} integer NOT NULL);
            {UpgradeShadowColumns(shadow)}
            ALTER TABLE {shadow} OWNER TO {Owner};
            REVOKE ALL ON {shadow} FROM PUBLIC;
            CREATE INDEX IF NOT EXISTS {SqlText.Ident(ShadowTable(table) + "_statement")} ON {shadow} USING brin ({statementColumn});

            """);
        sql.Append(ShadowColumnsInStep(shadow, columns));

        // The capture reads the table itself on TRUNCATE, from its schema.
        sql.Append(CultureInfo.InvariantCulture, $"GRANT USAGE ON SCHEMA {SqlText.Ident(table.Schema)} TO {Owner};\n");
        sql.Append(CultureInfo.InvariantCulture, $"GRANT SELECT ON {table.QualifiedName} TO {Owner};\n");

        foreach (var trigger in TriggerNames(table))
        {
            sql.Append(CultureInfo.InvariantCulture, $"DROP TRIGGER IF EXISTS {SqlText.Ident(trigger)} ON {table.QualifiedName};\n");
        }

        // A statement fires the statement triggers of the table it names only: DML through the parent is captured on
        // the parent, DML on a partition directly on the partition. TRUNCATE of a parent fires every partition's
        // TRUNCATE trigger too, so only partitions capture TRUNCATE (once, with their rows).
        var events = table.Kind == TableKind.Partitioned ? "INSERT OR UPDATE OR DELETE" : "INSERT OR UPDATE OR DELETE OR TRUNCATE";
        sql.Append(CultureInfo.InvariantCulture, $"CREATE TRIGGER {SqlText.Ident(InvokerTrigger)} BEFORE {events} ON {table.QualifiedName} FOR EACH STATEMENT EXECUTE FUNCTION {Obj("note_invoker")}();\n");

        sql.Append(Capture(table, "insert", "INSERT", [("N", "tovplay_new")]));
        sql.Append(Capture(table, "update", "UPDATE", [("O", "tovplay_old"), ("N", "tovplay_new")]));
        sql.Append(Capture(table, "delete", "DELETE", [("O", "tovplay_old")]));
        sql.Append(CultureInfo.InvariantCulture, $"""
            CREATE TRIGGER tovplay_audit_insert AFTER INSERT ON {table.QualifiedName} REFERENCING NEW TABLE AS tovplay_new FOR EACH STATEMENT EXECUTE FUNCTION {Obj(CaptureFunction(table, "insert"))}();
            CREATE TRIGGER tovplay_audit_update AFTER UPDATE ON {table.QualifiedName} REFERENCING OLD TABLE AS tovplay_old NEW TABLE AS tovplay_new FOR EACH STATEMENT EXECUTE FUNCTION {Obj(CaptureFunction(table, "update"))}();
            CREATE TRIGGER tovplay_audit_delete AFTER DELETE ON {table.QualifiedName} REFERENCING OLD TABLE AS tovplay_old FOR EACH STATEMENT EXECUTE FUNCTION {Obj(CaptureFunction(table, "delete"))}();

            """);

        if (table.Kind != TableKind.Partitioned)
        {
            sql.Append(Capture(table, "truncate", "TRUNCATE", [("O", $"ONLY {table.QualifiedName}")]));
            sql.Append(CultureInfo.InvariantCulture, $"CREATE TRIGGER tovplay_audit_truncate BEFORE TRUNCATE ON {table.QualifiedName} FOR EACH STATEMENT EXECUTE FUNCTION {Obj(CaptureFunction(table, "truncate"))}();\n");
        }

        sql.Append(CultureInfo.InvariantCulture, $"""
            INSERT INTO {Obj("audited_tables")} (table_oid, schema_name, table_name, kind, shadow_table, columns_signature, version)
            VALUES ({table.Oid.ToString(CultureInfo.InvariantCulture)}, {SqlText.Literal(table.Schema)}, {SqlText.Literal(table.Name)}, {SqlText.Literal(table.Kind.ToString())}, {SqlText.Literal(ShadowTable(table))}, {SqlText.Literal(table.Signature)}, {Version})
            ON CONFLICT (table_oid) DO UPDATE SET schema_name = EXCLUDED.schema_name, table_name = EXCLUDED.table_name, kind = EXCLUDED.kind,
                columns_signature = EXCLUDED.columns_signature, version = EXCLUDED.version, installed_at = clock_timestamp();

            """);
        return sql.ToString();
    }

    /// <summary>Stops auditing a table: its triggers and functions go; what was captured stays.</summary>
    public string RemoveTable(AuditedTable table)
    {
        var sql = new StringBuilder(Header);
        foreach (var trigger in TriggerNames(table).Append("tovplay_audit_truncate").Append("tovplay_audit_insert").Append("tovplay_audit_update").Append("tovplay_audit_delete").Distinct())
        {
            sql.Append(CultureInfo.InvariantCulture, $"DROP TRIGGER IF EXISTS {SqlText.Ident(trigger)} ON {table.QualifiedName};\n");
        }

        foreach (var action in new[] { "insert", "update", "delete", "truncate" })
        {
            sql.Append(CultureInfo.InvariantCulture, $"DROP FUNCTION IF EXISTS {Obj(CaptureFunction(table, action))}();\n");
        }

        sql.Append(CultureInfo.InvariantCulture, $"DELETE FROM {Obj("audited_tables")} WHERE table_oid = {table.Oid.ToString(CultureInfo.InvariantCulture)};\n");
        return sql.ToString();
    }

    /// <summary>The next statement id, taken before its rows are copied so they can refer to it.</summary>
    internal string NextStatementId => $"nextval({SqlText.Literal(SqlText.Ident(Schema) + "." + SqlText.Ident("statements_id_seq"))}::regclass)";

    /// <summary>
    /// The statement row with its connection context, written inline (a function call per statement costs) by each
    /// capture function and by the DROP TABLE event function; the arguments are plpgsql expressions, the rest is
    /// read where it runs.
    /// </summary>
    internal string RecordStatement(string id, string tableOid, string schemaName, string tableName, string action, string rowCount, string triggerDepth) =>
        string.Create(CultureInfo.InvariantCulture, $"""
        INSERT INTO {Obj("statements")} (id, tx_id, statement_at, captured_at, table_oid, schema_name, table_name, action, row_count,
                    session_role, invoking_role, client_addr, client_port, application_name, backend_pid,
                    {string.Join(", ", ContextSettings.Select(c => c.Column))}, trigger_depth, query)
                VALUES ({id}, txid_current(), statement_timestamp(), clock_timestamp(), {tableOid}, {schemaName}, {tableName}, {SqlText.Literal(action)}, {rowCount},
                    session_user, nullif(current_setting({SqlText.Literal(InvokerSetting)}, true), ''), inet_client_addr(), inet_client_port(),
                    nullif(current_setting('application_name', true), ''), pg_backend_pid(),
                    {string.Join(", ", ContextSettings.Select(c => $"nullif(current_setting({SqlText.Literal(c.Setting)}, true), '')"))},
                    {triggerDepth}, current_query());
        """);

    /// <summary>
    /// The shadow's columns in step with the table's: a new column is added; a column whose type changed is converted
    /// in place (the images kept so far converted with it) or, when its values do not convert, the old column is kept
    /// under <c>name$1</c> (<c>$2</c>...) beside a new one. Generated and identity columns are plain values here: the
    /// image is what the row held.
    /// </summary>
    private static string ShadowColumnsInStep(string shadow, IReadOnlyList<TableColumn> columns)
    {
        var names = string.Join(", ", columns.Select(c => SqlText.Literal(c.Name)));
        var types = string.Join(", ", columns.Select(c => SqlText.Literal(c.Type)));
        var table = shadow.Replace("%", "%%", StringComparison.Ordinal);
        return string.Create(CultureInfo.InvariantCulture, $"""
            DO {SqlText.DollarQuoted($"""
            DECLARE
                c record;
                have text;
                kept text;
            BEGIN
                -- unnest of two arrays is FROM-clause syntax, not a function to qualify; search_path is pg_catalog here.
                FOR c IN SELECT * FROM unnest(ARRAY[{names}]::text[], ARRAY[{types}]::text[]) AS x(name, type) LOOP
                    SELECT pg_catalog.format_type(atttypid, atttypmod) INTO have FROM pg_catalog.pg_attribute
                    WHERE attrelid = {SqlText.Literal(shadow)}::regclass AND attname = c.name AND NOT attisdropped;
                    IF have IS NULL THEN
                        EXECUTE pg_catalog.format('ALTER TABLE {table} ADD COLUMN %I %s', c.name, c.type);
                    ELSIF have <> c.type THEN
                        BEGIN
                            EXECUTE pg_catalog.format('ALTER TABLE {table} ALTER COLUMN %I TYPE %s USING %I::%s', c.name, c.type, c.name, c.type);
                        EXCEPTION WHEN OTHERS THEN
                            kept := c.name || '$' || (SELECT count(*) + 1 FROM pg_catalog.pg_attribute
                                WHERE attrelid = {SqlText.Literal(shadow)}::regclass AND NOT attisdropped AND attname LIKE pg_catalog.replace(c.name, '_', '\_') || '$%');
                            EXECUTE pg_catalog.format('ALTER TABLE {table} RENAME COLUMN %I TO %I', c.name, kept);
                            EXECUTE pg_catalog.format('ALTER TABLE {table} ADD COLUMN %I %s', c.name, c.type);
                        END;
                    END IF;
                END LOOP;
            END
            """)};

            """);
    }

    /// <summary>
    /// Version 1 named the shadow's own columns statement_id, image and ordinal (the first three): renamed in place,
    /// so the rows already kept stay.
    /// </summary>
    private static string UpgradeShadowColumns(string shadow) => string.Create(CultureInfo.InvariantCulture, $"""
        DO {SqlText.DollarQuoted($"""
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = {SqlText.Literal(shadow)}::regclass AND attnum = 1 AND attname = 'statement_id') THEN
                ALTER TABLE {shadow} RENAME COLUMN statement_id TO {SqlText.Ident(StatementColumn)};
                ALTER TABLE {shadow} RENAME COLUMN image TO {SqlText.Ident(ImageColumn)};
                ALTER TABLE {shadow} RENAME COLUMN ordinal TO {SqlText.Ident(OrdinalColumn)};
            END IF;
        END
        """)};
        """);

    /// <summary>
    /// A capture function: copies the images into the shadow table in one INSERT per image kind, numbering UPDATE
    /// rows so old and new halves pair up, then records the statement.
    /// </summary>
    private string Capture(AuditedTable table, string action, string verb, IReadOnlyList<(string Image, string Source)> images)
    {
        var shadow = Obj(ShadowTable(table));
        var names = string.Join(", ", table.Columns.Select(c => SqlText.Ident(c.Name)));
        var values = string.Join(", ", table.Columns.Select(c => "o." + SqlText.Ident(c.Name)));
        var ordinal = verb == "UPDATE" ? "row_number() OVER ()" : "0";
        // All images in one INSERT (an UPDATE's old and new halves together: one executor run per statement, not
        // two); ROW_COUNT then counts every image, so it is divided back to rows.
        var copySelects = string.Join(" UNION ALL ", images.Select(i => $"SELECT s, '{i.Image}'::\"char\", {ordinal}, {values} FROM {i.Source} o"));
        var fallbackSelects = string.Join(" UNION ALL ", images.Select(i => $"SELECT s, TG_RELID, '{i.Image}'::\"char\", {ordinal}, to_jsonb(o) FROM {i.Source} o"));
        var rows = images.Count == 1 ? "" : $"\n        n := n / {images.Count.ToString(CultureInfo.InvariantCulture)};";
        var copy = $"""
                    INSERT INTO {shadow} ({SqlText.Ident(StatementColumn)}, {SqlText.Ident(ImageColumn)}, {SqlText.Ident(OrdinalColumn)}, {names}) {copySelects};
                    GET DIAGNOSTICS n = ROW_COUNT;{rows}

            """;
        var fallback = $"""
                    INSERT INTO {Obj("rows_fallback")} (statement_id, table_oid, image, ordinal, row_image) {fallbackSelects};
                    GET DIAGNOSTICS n = ROW_COUNT;{rows}

            """;

        var record = verb == "TRUNCATE" ? "" : "IF n > 0 THEN ";
        var recordEnd = verb == "TRUNCATE" ? "" : " END IF;";
        var function = Obj(CaptureFunction(table, action));
        return string.Create(CultureInfo.InvariantCulture, $"""
            CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS {SqlText.DollarQuoted($"""

            DECLARE
                s bigint := {NextStatementId};
                n bigint := 0;
            BEGIN
            {(shapeGuard ? $"""
                BEGIN
            {copy}    EXCEPTION WHEN undefined_column OR datatype_mismatch OR undefined_table OR cannot_coerce OR wrong_object_type THEN
                    -- The table changed shape since this function was generated: keep the rows anyway.
            {fallback}    END;
            """ : copy)}
                {record}{RecordStatement("s", "TG_RELID", "TG_TABLE_SCHEMA", "TG_TABLE_NAME", verb, "n", "pg_trigger_depth()")}{recordEnd}
                RETURN NULL;
            END

            """)};
            ALTER FUNCTION {function}() OWNER TO {Owner};
            REVOKE ALL ON FUNCTION {function}() FROM PUBLIC;

            """);
    }
}
