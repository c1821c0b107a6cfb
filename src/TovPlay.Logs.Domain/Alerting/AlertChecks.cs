namespace TovPlay.Logs.Domain.Alerting;

/// <summary>
/// Checks of TovPlay Logs itself that rules can watch (data source <see cref="AlertDataSource.Check"/>): each gives
/// one number per series, 0 when all is well.
/// </summary>
public static class AlertChecks
{
    public const string LogSourceDown = "log_source_down";
    public const string AuditedDatabaseDown = "audited_database_down";
    public const string AuditCoverageGaps = "audit_coverage_gaps";
    public const string AuditSealBroken = "audit_seal_broken";
    public const string DeliveryFailing = "notification_delivery_failing";
    public const string PgBouncerWaiting = "pgbouncer_clients_waiting";

    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        [LogSourceDown] = "1 when the log source (embedded store or Loki) does not answer, else 0.",
        [AuditedDatabaseDown] = "1 when the audited TovPlay database cannot be reached, else 0.",
        [AuditCoverageGaps] = "Per table (label table, state): 1 for each table whose audit triggers are missing, disabled or outdated.",
        [AuditSealBroken] = "The number of audit seal checkpoints that no longer verify (rows edited, removed or inserted).",
        [DeliveryFailing] = "Per contact point (label receiver): notifications that failed for good in the last hour, or are still failing after 3 attempts.",
        [PgBouncerWaiting] = "Per pool (labels database, user): clients waiting for a server connection in PgBouncer.",
    };
}
