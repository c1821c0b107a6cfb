namespace TovPlay.Logs.Domain.DatabaseHealth;

/// <summary>A pool of PgBouncer (one database and user): clients served and waiting, server connections by state.</summary>
public sealed record BouncerPool(string Database, string User, string Mode, long ClientsActive, long ClientsWaiting, long ServersActive, long ServersIdle, long ServersUsed, TimeSpan LongestWait);

/// <summary>Per database, PgBouncer's averages since its last stats period: transactions and queries a second, their time, the wait for a server.</summary>
public sealed record BouncerStats(string Database, long TransactionsPerSecond, long QueriesPerSecond, TimeSpan AverageTransaction, TimeSpan AverageQuery, TimeSpan AverageWait);

/// <summary>A client connection of PgBouncer: who, from where, in which state (active, waiting, idle) and since when it waits.</summary>
public sealed record BouncerClient(string User, string Database, string State, string? Address, string? Application, string? ConnectTime, TimeSpan Waiting);

/// <summary>What PgBouncer's admin console said at one moment, read from its three tables.</summary>
public sealed record BouncerState(IReadOnlyList<BouncerPool> Pools, IReadOnlyList<BouncerStats> Stats, IReadOnlyList<BouncerClient> Clients)
{
    /// <summary>The admin console's own pool and client (database "pgbouncer") say nothing about the application's.</summary>
    public const string ConsoleDatabase = "pgbouncer";

    public long ClientsWaiting => Pools.Sum(p => p.ClientsWaiting);

    public long ClientsActive => Pools.Sum(p => p.ClientsActive);

    public long ServersInUse => Pools.Sum(p => p.ServersActive + p.ServersUsed);

    public static BouncerState Read(ConsoleTable pools, ConsoleTable stats, ConsoleTable clients) => new(
        [.. pools.Each().Where(r => r.Text("database") != ConsoleDatabase).Select(r => new BouncerPool(
            r.Text("database") ?? "", r.Text("user") ?? "", r.Text("pool_mode") ?? "",
            r.Number("cl_active"), r.Number("cl_waiting"), r.Number("sv_active"), r.Number("sv_idle"), r.Number("sv_used"),
            TimeSpan.FromSeconds(r.Number("maxwait")) + TimeSpan.FromMicroseconds(r.Number("maxwait_us"))))],
        [.. stats.Each().Where(r => r.Text("database") != ConsoleDatabase).Select(r => new BouncerStats(
            r.Text("database") ?? "", r.Number("avg_xact_count"), r.Number("avg_query_count"),
            TimeSpan.FromMicroseconds(r.Number("avg_xact_time")), TimeSpan.FromMicroseconds(r.Number("avg_query_time")), TimeSpan.FromMicroseconds(r.Number("avg_wait_time"))))],
        [.. clients.Each().Where(r => r.Text("database") != ConsoleDatabase).Select(r => new BouncerClient(
            r.Text("user") ?? "", r.Text("database") ?? "", r.Text("state") ?? "", r.Text("addr"), r.Text("application_name"), r.Text("connect_time"),
            TimeSpan.FromSeconds(r.Number("wait")) + TimeSpan.FromMicroseconds(r.Number("wait_us"))))]);
}
