namespace TovPlay.Logs.Web.Data;

/// <summary>
/// The audited database's connections (and PgBouncer's pools, when configured) at one sampling instant, for the
/// Database page's charts. One row per instant whichever instance took it (<see cref="At"/> is unique).
/// </summary>
public sealed class DatabaseSample
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public int MaxConnections { get; set; }

    /// <summary>Client connections in use.</summary>
    public int Used { get; set; }

    /// <summary>What ordinary roles may still open.</summary>
    public int Headroom { get; set; }

    public int Active { get; set; }

    public int Idle { get; set; }

    public int IdleInTransaction { get; set; }

    public int WaitingOnLock { get; set; }

    public int? BouncerClientsActive { get; set; }

    public int? BouncerClientsWaiting { get; set; }

    public int? BouncerServersInUse { get; set; }
}
