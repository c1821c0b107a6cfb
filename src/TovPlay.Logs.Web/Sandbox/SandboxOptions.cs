namespace TovPlay.Logs.Web.Sandbox;

/// <summary>
/// The TovPlay sandbox (section <c>Sandbox</c>): a TovPlay-like database in the app's own PostgreSQL cluster, audited by
/// the app, with traffic that behaves like TovPlay's. For trying the app out; Production refuses it.
/// </summary>
public sealed class SandboxOptions
{
    public const string Section = "Sandbox";

    public bool Enabled { get; set; }

    /// <summary>The sandbox database, created beside the app database (its connection's role needs CREATEDB).</summary>
    public string Database { get; set; } = "tovplay_sandbox";

    /// <summary>Appended to the sandbox's role names, which are shared by the whole cluster.</summary>
    public string RoleSuffix { get; set; } = "";

    /// <summary>Player requests per minute, on average.</summary>
    public double RequestsPerMinute { get; set; } = 30;

    /// <summary>How much history a fresh start backfills into the logs.</summary>
    public TimeSpan History { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Where connections that go around the application (a person's psql, a developer's SQL client) connect to, so they
    /// come from another address than the application's; the app database's host when that address does not answer.
    /// </summary>
    public string AroundHost { get; set; } = "::1";

    /// <summary>
    /// The cluster's log file (stderr, <c>log_line_prefix = '%m [%p] %q%u@%d '</c>): its entries for the sandbox's
    /// database are shipped as <c>job="postgres"</c>. Nothing is shipped when unset.
    /// </summary>
    public string? ServerLogFile { get; set; }

    /// <summary>An incident to play once the history is in (for scripts: <c>./run.sh --incident NAME</c>).</summary>
    public string? PlayOnStart { get; set; }

    public const int MaxRequestsPerMinute = 6000;
}
