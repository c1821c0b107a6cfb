using Microsoft.EntityFrameworkCore;
using Npgsql;
using TovPlay.Logs.Domain.DatabaseHealth;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.DatabaseHealth;

/// <summary>
/// The samples behind the Database page's charts, in the app database: written once per instant (several instances
/// sampling the same instant keep one row), read back averaged into at most a chart's worth of buckets, pruned by age.
/// </summary>
public sealed class DatabaseSamples(IDbContextFactory<AppDbContext> dbFactory)
{
    /// <summary>The most points a chart is given, whatever the range.</summary>
    public const int MaxPoints = 360;

    public async Task<bool> AddAsync(DateTimeOffset at, ConnectionSnapshot snapshot, BouncerState? bouncer, CancellationToken cancellationToken)
    {
        var clients = snapshot.Clients.ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var added = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO database_samples (at, max_connections, used, headroom, active, idle, idle_in_transaction, waiting_on_lock,
                                          bouncer_clients_active, bouncer_clients_waiting, bouncer_servers_in_use)
            VALUES ({at}, {snapshot.MaxConnections}, {snapshot.Used}, {snapshot.Headroom}, {clients.Count(c => c.IsActive)}, {clients.Count(c => c.State == "idle")},
                    {clients.Count(c => c.IsIdleInTransaction)}, {clients.Count(c => c.WaitsOnLock)},
                    {(int?)bouncer?.ClientsActive}, {(int?)bouncer?.ClientsWaiting}, {(int?)bouncer?.ServersInUse})
            ON CONFLICT (at) DO NOTHING
            """, cancellationToken);
        return added == 1;
    }

    /// <summary>
    /// The samples from <paramref name="from"/> to <paramref name="to"/>, averaged per bucket (maxima for the peaks that
    /// matter: used, waiting); buckets start on whole multiples of their width, so a refreshed chart's points stay put.
    /// </summary>
    public async Task<IReadOnlyList<DatabaseSample>> RangeAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan sampleInterval, CancellationToken cancellationToken)
    {
        var width = Bucket(from, to, sampleInterval);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.DatabaseSamples.FromSql($"""
            SELECT 0::bigint AS id, date_bin({width}, at, TIMESTAMPTZ 'epoch') AS at, max(max_connections) AS max_connections, max(used) AS used, min(headroom) AS headroom,
                   round(avg(active))::int AS active, round(avg(idle))::int AS idle, max(idle_in_transaction) AS idle_in_transaction,
                   max(waiting_on_lock) AS waiting_on_lock, round(avg(bouncer_clients_active))::int AS bouncer_clients_active,
                   max(bouncer_clients_waiting) AS bouncer_clients_waiting, max(bouncer_servers_in_use) AS bouncer_servers_in_use
            FROM database_samples
            WHERE at >= {from} AND at <= {to}
            GROUP BY 2
            ORDER BY 2
            """).AsNoTracking().ToListAsync(cancellationToken);
        return rows;
    }

    /// <summary>A bucket no finer than the sampling and coarse enough that the range fits <see cref="MaxPoints"/>.</summary>
    public static TimeSpan Bucket(DateTimeOffset from, DateTimeOffset to, TimeSpan sampleInterval)
    {
        var needed = TimeSpan.FromTicks(Math.Max(1, (to - from).Ticks / MaxPoints));
        var width = needed > sampleInterval ? needed : sampleInterval;
        return TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(width.TotalSeconds)));
    }

    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.DatabaseSamples.Where(s => s.At < before).ExecuteDeleteAsync(cancellationToken);
    }
}
