namespace TovPlay.Logs.Web.DatabaseHealth;

/// <summary>
/// The Database page and its sampler (<c>DatabaseHealth:*</c>): how often the audited database's connections (and
/// PgBouncer's pools) are sampled into the app database for the charts, how long samples are kept, and from when a
/// query counts as long-running and a session idle in a transaction as worth a look.
/// </summary>
public sealed class DatabaseHealthOptions
{
    public const string Section = "DatabaseHealth";

    public bool SamplingEnabled { get; set; } = true;

    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(14);

    public TimeSpan LongQueryAfter { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan IdleInTransactionAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one reading (of the database or of PgBouncer) may take.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>PgBouncer in front of the audited database (<c>PgBouncer:*</c>).</summary>
public sealed class PgBouncerOptions
{
    public const string Section = "PgBouncer";

    /// <summary>
    /// Its admin console, as an Npgsql-style connection string (Host, Port, Username, Password); the user must be in
    /// PgBouncer's <c>stats_users</c> or <c>admin_users</c>. Empty: PgBouncer is not shown.
    /// </summary>
    public string AdminConnection { get; set; } = "";

    public bool IsConfigured => AdminConnection.Length > 0;
}
