using System.Globalization;
using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>
/// A guard against the next wipe: statement-level triggers that refuse a DELETE or UPDATE changing more than a limit of
/// rows, and a TRUNCATE of a table holding more than it, unless the transaction first says it means it
/// (<c>SET LOCAL tovplay.allow_mass_change = on</c>). Refused statements change nothing. The functions live in the
/// audit schema, owned by its role; every call and operator in them is qualified, so a caller's search_path cannot
/// step in.
/// </summary>
public sealed class MassChangeGuard(AuditSql sql)
{
    public const string OverrideSetting = "tovplay.allow_mass_change";

    private const string DmlTrigger = "tovplay_guard_dml";
    private const string TruncateTrigger = "tovplay_guard_truncate";

    private string Obj(string name) => SqlText.Qualified(sql.Schema, name);

    /// <summary>The shared guard functions (safe to run again).</summary>
    public string InstallFunctions() => string.Create(CultureInfo.InvariantCulture, $"""
        CREATE OR REPLACE FUNCTION {Obj("guard_dml")}() RETURNS trigger LANGUAGE plpgsql AS {SqlText.DollarQuoted($"""

        DECLARE
            n bigint;
            max_rows bigint := TG_ARGV[0]::pg_catalog.int8;
        BEGIN
            SELECT pg_catalog.count(*) INTO n FROM tovplay_guard_old;
            IF n OPERATOR(pg_catalog.>) max_rows AND COALESCE(pg_catalog.current_setting({SqlText.Literal(OverrideSetting)}, true), '') OPERATOR(pg_catalog.<>) 'on' THEN
                RAISE EXCEPTION 'TovPlay mass-change guard: % on %.% would change % rows, more than the limit of %.', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME, n, max_rows
                    USING HINT = 'If this is intended, run SET LOCAL {OverrideSetting} = on in the same transaction first.', ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NULL;
        END

        """)};
        CREATE OR REPLACE FUNCTION {Obj("guard_truncate")}() RETURNS trigger LANGUAGE plpgsql AS {SqlText.DollarQuoted($"""

        DECLARE
            n bigint;
            max_rows bigint := TG_ARGV[0]::pg_catalog.int8;
        BEGIN
            EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM (SELECT 1 FROM ONLY %I.%I LIMIT %s) x', TG_TABLE_SCHEMA, TG_TABLE_NAME, max_rows OPERATOR(pg_catalog.+) 1) INTO n;
            IF n OPERATOR(pg_catalog.>) max_rows AND COALESCE(pg_catalog.current_setting({SqlText.Literal(OverrideSetting)}, true), '') OPERATOR(pg_catalog.<>) 'on' THEN
                RAISE EXCEPTION 'TovPlay mass-change guard: TRUNCATE of %.% would remove more than % rows.', TG_TABLE_SCHEMA, TG_TABLE_NAME, max_rows
                    USING HINT = 'If this is intended, run SET LOCAL {OverrideSetting} = on in the same transaction first.', ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NULL;
        END

        """)};
        ALTER FUNCTION {Obj("guard_dml")}() OWNER TO {SqlText.Ident(sql.OwnerRole)};
        ALTER FUNCTION {Obj("guard_truncate")}() OWNER TO {SqlText.Ident(sql.OwnerRole)};

        """);

    /// <summary>The guard on one table at <paramref name="maxRows"/> rows per statement (replacing an earlier limit).</summary>
    public string Install(AuditedTable table, int maxRows)
    {
        if (maxRows < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, "The limit is at least one row.");
        }

        var limit = SqlText.Literal(maxRows.ToString(CultureInfo.InvariantCulture));
        var t = table.QualifiedName;
        // A partition's own TRUNCATE fires too when its parent is truncated: guarding the parent's partitions is enough.
        return string.Create(CultureInfo.InvariantCulture, $"""
            {Remove(table)}CREATE TRIGGER {DmlTrigger}_delete AFTER DELETE ON {t} REFERENCING OLD TABLE AS tovplay_guard_old FOR EACH STATEMENT EXECUTE FUNCTION {Obj("guard_dml")}({limit});
            CREATE TRIGGER {DmlTrigger}_update AFTER UPDATE ON {t} REFERENCING OLD TABLE AS tovplay_guard_old FOR EACH STATEMENT EXECUTE FUNCTION {Obj("guard_dml")}({limit});
            {(table.Kind == TableKind.Partitioned ? "" : $"CREATE TRIGGER {TruncateTrigger} BEFORE TRUNCATE ON {t} FOR EACH STATEMENT EXECUTE FUNCTION {Obj("guard_truncate")}({limit});")}

            """);
    }

    public static string Remove(AuditedTable table) => string.Create(CultureInfo.InvariantCulture, $"""
        DROP TRIGGER IF EXISTS {DmlTrigger}_delete ON {table.QualifiedName};
        DROP TRIGGER IF EXISTS {DmlTrigger}_update ON {table.QualifiedName};
        DROP TRIGGER IF EXISTS {TruncateTrigger} ON {table.QualifiedName};

        """);
}
