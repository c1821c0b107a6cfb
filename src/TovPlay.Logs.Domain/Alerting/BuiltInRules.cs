namespace TovPlay.Logs.Domain.Alerting;

/// <summary>A rule TovPlay Logs ships, switched off: what it watches and why it is worth switching on.</summary>
public sealed record BuiltInRule(string Key, string Category, string Why, AlertRule Template)
{
    /// <summary>The rule to save when an Admin switches it on: a new id, the built-in's key, in the Built-in folder.</summary>
    public AlertRule SwitchOn() => Template with { Id = Guid.NewGuid(), BuiltIn = Key, Folder = BuiltInRules.Folder };
}

/// <summary>
/// The built-in rule pack, over TovPlay's log contract (backend and frontend JSON lines, PostgreSQL's log, the shipped
/// audit trail), the audited database (read-only probes) and the app's own checks. Each names the investigation that
/// answers it, so its notification links there.
/// </summary>
public static class BuiltInRules
{
    public const string Folder = "Built-in";

    /// <summary>The "scenario" of the rules about connections: their alerts link to the Database page (<c>/logs/database</c>).</summary>
    public const string DatabasePage = "database";

    private static readonly Dictionary<string, string> s_critical = new() { ["severity"] = "critical" };
    private static readonly Dictionary<string, string> s_warning = new() { ["severity"] = "warning" };

    public static IReadOnlyList<BuiltInRule> All { get; } =
    [
        // Security
        Log("brute-force-sign-ins", "Security", "Many failed sign-ins from one address: someone guessing passwords.",
            "BruteForceSignIns", """sum by (ip) (count_over_time({job="tovplay-backend"} |= "LOGIN_FAILED" | json | action="LOGIN_FAILED" [5m]))""", 10, s_critical,
            "{{ $value }} failed sign-ins from {{ $labels.ip }} in 5 minutes", "free", "{{ $labels.ip }}"),
        Own("sign-in-new-address", "Security", "A user signed in from an address not seen for that user in the last 7 days: a stolen password looks like this.",
            "SignInFromNewAddress",
            """count by (username, ip) (count_over_time({job="tovplay-backend"} |= "LOGIN" | json | action="LOGIN" [5m])) unless count by (username, ip) (count_over_time({job="tovplay-backend"} |= "LOGIN" | json | action="LOGIN" [7d] offset 5m))""",
            s_warning, "{{ $labels.username }} signed in from a new address, {{ $labels.ip }}", "account", "{{ $labels.username }}", interval: TimeSpan.FromMinutes(1)),
        Log("credential-changes", "Security", "A password or permission change: each one is worth a look when an account may be taken over.",
            "CredentialChange", """sum by (username, action) (count_over_time({job="tovplay-backend"} |~ "PASSWORD_CHANGE|PERMISSION_CHANGE" | json | action=~"PASSWORD_CHANGE|PERMISSION_CHANGE" [5m]))""", 0,
            s_warning, "{{ $labels.action }} for {{ $labels.username }}", "account", "{{ $labels.username }}"),
        Log("database-refusals", "Security", "PostgreSQL refusing statements or sign-ins: someone probing what they may do.",
            "DatabaseRefusals", """sum(count_over_time({job="postgres"} |~ "permission denied|must be owner|password authentication failed|no pg_hba.conf entry" [5m]))""", 5,
            s_warning, "{{ $value }} refused statements or sign-ins in 5 minutes", "wipe", ""),

        // Data
        Log("mass-delete", "Data", "More than 100 rows deleted from one table in 5 minutes: a wipe in progress or a runaway job.",
            "MassDelete", """sum by (schema, table) (sum_over_time({job="tovplay-db-audit"} |= "DELETE" | json | action="DELETE" | unwrap rows [5m]))""", 100, s_critical,
            "{{ $value }} rows deleted from {{ $labels.schema }}.{{ $labels.table }} in 5 minutes", "wipe", "{{ $labels.table }}"),
        Log("truncate-or-drop", "Data", "Any TRUNCATE or DROP TABLE on an audited table: rarely routine, always worth knowing at once.",
            "TruncateOrDrop", """sum by (schema, table, action) (count_over_time({job="tovplay-db-audit"} |~ "TRUNCATE|DROP TABLE" | json | action=~"TRUNCATE|DROP TABLE" [5m]))""", 0, s_critical,
            "{{ $labels.action }} on {{ $labels.schema }}.{{ $labels.table }}", "wipe", "{{ $labels.table }}", interval: TimeSpan.FromSeconds(10)),
        Log("mass-update", "Data", "More than 500 rows overwritten in one table in 5 minutes: an UPDATE without its WHERE looks like this.",
            "MassUpdate", """sum by (schema, table) (sum_over_time({job="tovplay-db-audit"} |= "UPDATE" | json | action="UPDATE" | unwrap rows [5m]))""", 500, s_warning,
            "{{ $value }} rows updated in {{ $labels.schema }}.{{ $labels.table }} in 5 minutes", "wipe", "{{ $labels.table }}"),

        // Application
        Log("http-5xx-rate", "Application", "More than 5% of the backend's requests answered 5xx over 5 minutes.",
            "Backend5xxRate",
            """sum(count_over_time({job="tovplay-backend"} |= "status" | json | __error__="" | status >= 500 [5m])) / sum(count_over_time({job="tovplay-backend"} |= "status" | json | __error__="" | status > 0 [5m]))""",
            0.05, s_critical, "{{ $value | humanizePercentage }} of requests failed with 5xx", "errors", ""),
        Log("error-log-rate", "Application", "More than 50 error lines from TovPlay's services in 5 minutes.",
            "ErrorLogRate", """sum(count_over_time({job=~"tovplay-backend|tovplay-frontend", level=~"(?i)error|critical|fatal"} [5m]))""", 50, s_warning,
            "{{ $value }} error lines in 5 minutes", "errors", ""),
        Log("route-p95-latency", "Application", "A route's 95th percentile above one second over 5 minutes.",
            "SlowRoute", """quantile_over_time(0.95, {job="tovplay-backend"} |= "duration_ms" | json | __error__="" | unwrap duration_ms [5m]) by (path)""", 1000, s_warning,
            "p95 of {{ $labels.path }} is {{ $value | printf \"%.0f\" }} ms", "slow-api", "{{ $labels.path }}"),
        Log("frontend-error-rate", "Application", "More than 20 errors in players' browsers in 5 minutes.",
            "FrontendErrors", """sum(count_over_time({job="tovplay-frontend", level=~"(?i)error|fatal"} [5m]))""", 20, s_warning,
            "{{ $value }} frontend errors in 5 minutes", "errors", ""),
        Own("backend-silent", "Application", "No line from the backend in 10 minutes: it is down, or its logs no longer arrive.",
            "BackendSilent", """absent_over_time({job="tovplay-backend"}[10m])""", s_critical, "No backend line in 10 minutes", "free", ""),

        // Database
        Sql("connections-high", "Database", "Connections above 80% of max_connections: the next burst is refused.",
            "ConnectionsHigh", "SELECT round(100.0 * count(*) / current_setting('max_connections')::int, 1) AS value FROM pg_stat_activity", 80, s_warning,
            "{{ $value }}% of max_connections in use"),
        Sql("idle-in-transaction", "Database", "Sessions idle in a transaction for over a minute: they hold locks and block vacuum.",
            "IdleInTransaction",
            "SELECT coalesce(usename, '') AS db_user, count(*) AS value FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND now() - state_change > interval '1 minute' GROUP BY usename",
            0, s_warning, "{{ $value }} session(s) of {{ $labels.db_user }} idle in a transaction"),
        Sql("long-running-queries", "Database", "Statements running for over five minutes.",
            "LongRunningQueries",
            "SELECT coalesce(usename, '') AS db_user, count(*) AS value FROM pg_stat_activity WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND now() - query_start > interval '5 minutes' GROUP BY usename",
            0, s_warning, "{{ $value }} statement(s) of {{ $labels.db_user }} running for over 5 minutes"),
        Sql("lock-waits", "Database", "Sessions waiting on a lock for over 30 seconds.",
            "LockWaits", "SELECT count(*) AS value FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND now() - query_start > interval '30 seconds'", 0, s_warning,
            "{{ $value }} session(s) waiting on a lock"),
        Log("deadlocks", "Database", "PostgreSQL detected a deadlock and cancelled a transaction.",
            "Deadlocks", """sum(count_over_time({job="postgres"} |= "deadlock detected" [5m]))""", 0, s_warning, "{{ $value }} deadlock(s) in 5 minutes", "errors", ""),
        Check("pgbouncer-waiting", "Database", "Clients waiting in PgBouncer for a server connection: the pool is too small or held.",
            "PgBouncerClientsWaiting", AlertChecks.PgBouncerWaiting, 0, s_warning, "{{ $value }} client(s) waiting in pool {{ $labels.database }}/{{ $labels.user }}",
            pending: TimeSpan.FromMinutes(1), scenario: DatabasePage),

        // TovPlay Logs itself
        Check("log-source-down", "TovPlay Logs", "The log store does not answer: nothing can be searched or alerted on.",
            "LogSourceDown", AlertChecks.LogSourceDown, 0, s_critical, "The log source ({{ $labels.source }}) does not answer", pending: TimeSpan.FromMinutes(1)),
        Check("audited-database-down", "TovPlay Logs", "The audited TovPlay database cannot be reached.",
            "AuditedDatabaseDown", AlertChecks.AuditedDatabaseDown, 0, s_critical, "The audited database cannot be reached", pending: TimeSpan.FromMinutes(1)),
        Check("audit-coverage", "TovPlay Logs", "An audited table lost its triggers (disabled, dropped, outdated): its changes are not being captured.",
            "AuditCoverageGap", AlertChecks.AuditCoverageGaps, 0, s_critical, "{{ $labels.table }} is not fully audited ({{ $labels.state }})"),
        Check("audit-seal-broken", "TovPlay Logs", "A seal checkpoint no longer verifies: audit rows were edited, removed or inserted.",
            "AuditSealBroken", AlertChecks.AuditSealBroken, 0, s_critical, "{{ $value }} seal checkpoint(s) no longer verify", interval: TimeSpan.FromMinutes(10)),
        Check("notification-delivery", "TovPlay Logs", "Notifications to a contact point keep failing: on-call is not hearing of alerts.",
            "NotificationDeliveryFailing", AlertChecks.DeliveryFailing, 0, s_critical, "Notifications to {{ $labels.receiver }} are failing"),
    ];

    public static BuiltInRule? Find(string key) => All.FirstOrDefault(b => b.Key == key);

    private static BuiltInRule Log(string key, string category, string why, string name, string query, double above, Dictionary<string, string> labels,
        string summary, string scenario, string subject, TimeSpan? interval = null) =>
        new(key, category, why, Rule(name, AlertDataSource.LogQL, query, new AlertThreshold(AlertComparator.Above, above), labels, summary, why, scenario, subject, interval));

    private static BuiltInRule Own(string key, string category, string why, string name, string query, Dictionary<string, string> labels, string summary,
        string scenario, string subject, TimeSpan? interval = null) =>
        new(key, category, why, Rule(name, AlertDataSource.LogQL, query, null, labels, summary, why, scenario, subject, interval));

    private static BuiltInRule Sql(string key, string category, string why, string name, string query, double above, Dictionary<string, string> labels, string summary) =>
        new(key, category, why, Rule(name, AlertDataSource.Sql, query, new AlertThreshold(AlertComparator.Above, above), labels, summary, why, DatabasePage, "", null)
            with { PendingFor = TimeSpan.FromMinutes(1) });

    private static BuiltInRule Check(string key, string category, string why, string name, string check, double above, Dictionary<string, string> labels, string summary,
        TimeSpan? interval = null, TimeSpan? pending = null, string scenario = "") =>
        new(key, category, why, Rule(name, AlertDataSource.Check, check, new AlertThreshold(AlertComparator.Above, above), labels, summary, why, scenario, "", interval)
            with { PendingFor = pending ?? TimeSpan.Zero, OnError = MissingResultHandling.Alerting });

    private static AlertRule Rule(string name, AlertDataSource source, string query, AlertThreshold? threshold, Dictionary<string, string> labels, string summary,
        string description, string scenario, string subject, TimeSpan? interval)
    {
        var annotations = new Dictionary<string, string> { [AlertRule.Summary] = summary, [AlertRule.Description] = description };
        if (scenario.Length > 0)
        {
            annotations["scenario"] = scenario;
        }

        if (subject.Length > 0)
        {
            annotations["subject"] = subject;
        }

        return new AlertRule
        {
            Name = name,
            Folder = Folder,
            Group = "built-in",
            Source = source,
            Query = query,
            Threshold = threshold,
            Interval = interval ?? TimeSpan.FromSeconds(30),
            Labels = labels,
            Annotations = annotations,
        };
    }
}
