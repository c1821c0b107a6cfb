namespace TovPlay.Logs.Domain.DatabaseHealth;

/// <summary>
/// The server's connections at one moment with the limits they count against: <c>max_connections</c>, of which
/// <c>superuser_reserved_connections</c> (and, from PostgreSQL 16, <c>reserved_connections</c> for roles with
/// <c>pg_use_reserved_connections</c>) are kept back from ordinary roles such as the application's.
/// </summary>
public sealed record ConnectionSnapshot(DateTimeOffset At, int MaxConnections, int SuperuserReserved, int Reserved, IReadOnlyList<Backend> Backends)
{
    public IEnumerable<Backend> Clients => Backends.Where(b => b.IsClient);

    public int Used => Backends.Count(b => b.IsClient);

    /// <summary>What an ordinary role may still open before "too many clients already".</summary>
    public int Headroom => Math.Max(0, MaxConnections - SuperuserReserved - Reserved - Used);

    /// <summary>The share of what ordinary roles may open that is in use, 0 to 1.</summary>
    public double UsedShare => MaxConnections - SuperuserReserved - Reserved is var open and > 0 ? Math.Min(1, (double)Used / open) : 1;
}
