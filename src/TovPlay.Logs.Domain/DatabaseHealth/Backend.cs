namespace TovPlay.Logs.Domain.DatabaseHealth;

/// <summary>
/// One server process of the audited database as <c>pg_stat_activity</c> shows it: whose it is, where it comes from,
/// what it runs and since when, what it waits for, and which processes hold the locks it waits on.
/// </summary>
public sealed record Backend(
    int Pid, string BackendType, string? Database, string? Role, string? Application, string? ClientAddress, string? State,
    DateTimeOffset? BackendStart, DateTimeOffset? TransactionStart, DateTimeOffset? QueryStart, DateTimeOffset? StateChange,
    string? WaitEventType, string? WaitEvent, string? Query, IReadOnlyList<int> BlockedBy)
{
    public const string ClientBackend = "client backend";

    /// <summary>A connection a client opened (what <c>max_connections</c> counts), not one of the server's own workers.</summary>
    public bool IsClient => BackendType == ClientBackend;

    public bool IsIdleInTransaction => State is "idle in transaction" or "idle in transaction (aborted)";

    public bool IsActive => State == "active";

    public bool WaitsOnLock => WaitEventType == "Lock";

    /// <summary>"role@database, application, from address": how a person names a session.</summary>
    public string Describe()
    {
        var who = $"{Role ?? "(no role)"}@{Database ?? "(no database)"}";
        var program = string.IsNullOrEmpty(Application) ? "" : $", {Application}";
        var from = ClientAddress is { Length: > 0 } address ? $", from {address}" : ", local socket";
        return $"pid {Pid} ({who}{program}{from})";
    }
}
