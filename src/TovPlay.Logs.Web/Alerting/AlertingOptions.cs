namespace TovPlay.Logs.Web.Alerting;

/// <summary>Alerting's settings (section <c>Alerting</c>).</summary>
public sealed class AlertingOptions
{
    public const string Section = "Alerting";

    /// <summary>Evaluate rules and deliver notifications from this instance (one instance leads at a time).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The app's public address, for links in notifications (<c>https://app.tovplay.org/logs</c>).</summary>
    public string ExternalUrl { get; set; } = "http://127.0.0.1:5080/logs";

    /// <summary>How long state history is kept.</summary>
    public int HistoryDays { get; set; } = 30;

    /// <summary>Attempts before a notification goes to the dead letters.</summary>
    public int MaxDeliveryAttempts { get; set; } = 8;

    /// <summary>How often an instance that does not lead tries to, and how often the leader checks it still does.</summary>
    public TimeSpan LeaderCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Rule evaluations running at once.</summary>
    public int MaxConcurrentEvaluations { get; set; } = 8;

    /// <summary>Hosts besides Discord's that webhooks may point at (<c>host</c> or <c>host:port</c>): a local fake, a relay.</summary>
    public string[] WebhookHosts { get; set; } = [];

    /// <summary>A Prometheus for PromQL rules (<c>http://127.0.0.1:9090</c>); PromQL rules are refused without one.</summary>
    public string PrometheusUrl { get; set; } = "";

    /// <summary>
    /// A connection for SQL probes, ideally a role with pg_monitor and SELECT only. Without it probes use the audited
    /// database's connection, always in a read-only transaction with a statement timeout.
    /// </summary>
    public string SqlProbeConnection { get; set; } = "";

    public TimeSpan SqlProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest an evaluation's query may run (also bounded by the rule's interval).</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a delivery attempt waits for Discord.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
