using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Web.Audit;

/// <summary>Where the audit trail lives (section <c>Audit</c>).</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>
    /// The TovPlay database to audit, as a connection string for a role that may create roles, schemas and triggers
    /// (a superuser or the tables' owner with CREATEROLE). Secret: set it through <c>Audit__TargetConnection</c>.
    /// Empty means no audited database is configured.
    /// </summary>
    public string TargetConnection { get; set; } = "";

    public string Schema { get; set; } = AuditSql.DefaultSchema;

    /// <summary>The NOLOGIN role that owns the trail; the roles being watched must not be members of it.</summary>
    public string OwnerRole { get; set; } = AuditSql.DefaultOwnerRole;

    /// <summary>Copy each audited statement into the embedded log store (job tovplay-db-audit).</summary>
    public bool ShipToLogStore { get; set; } = true;

    /// <summary>The <c>env</c> label of shipped lines; none when empty (the sandbox's trail ships as "sandbox").</summary>
    public string ShipEnvironment { get; set; } = "";

    /// <summary>How often new audited statements are shipped.</summary>
    public TimeSpan ShipInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often new statements are sealed into the hash chain; zero-length or negative is refused.</summary>
    public TimeSpan SealInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Seal in the background (a superuser or the owner role must be able to write the seals table).</summary>
    public bool Seal { get; set; } = true;

    /// <summary>Reinstall a table's capture when its columns changed (until then its rows are kept as jsonb).</summary>
    public bool RegenerateOnChange { get; set; } = true;

    public TimeSpan UpkeepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>DDL capture through event triggers (installed only by a superuser): every DDL command logged.</summary>
    public bool CaptureDdl { get; set; } = true;

    /// <summary>With DDL capture: keep an audited table's rows before a DROP TABLE naming it.</summary>
    public bool KeepRowsBeforeDrop { get; set; } = true;

    /// <summary>With DDL capture: refuse a drop that would remove an audited table without its rows kept.</summary>
    public bool RefuseUnkeptDrop { get; set; } = true;

    /// <summary>Months of statements (and their rows) kept; older monthly partitions are dropped. 0 keeps everything.</summary>
    public int RetentionMonths { get; set; } = 12;

    public bool IsConfigured => TargetConnection.Length > 0;
}
