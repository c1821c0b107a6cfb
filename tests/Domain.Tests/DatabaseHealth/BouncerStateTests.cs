using TovPlay.Logs.Domain.DatabaseHealth;

namespace TovPlay.Logs.Domain.Tests.DatabaseHealth;

public sealed class BouncerStateTests
{
    [Fact]
    public void Read_TakesColumnsByName_SkipsTheConsolesOwnPool_AndToleratesMissingColumns()
    {
        // SHOW POOLS of PgBouncer 1.18 (column order as it sends them), SHOW STATS without the averages of older versions.
        var pools = new ConsoleTable(
            ["database", "user", "cl_active", "cl_waiting", "cl_active_cancel_req", "cl_waiting_cancel_req", "sv_active", "sv_active_cancel", "sv_being_canceled", "sv_idle", "sv_used", "sv_tested", "sv_login", "maxwait", "maxwait_us", "pool_mode"],
            [
                ["pgbouncer", "pgbouncer", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "statement"],
                ["tovplay", "tovplay_app", "20", "7", "0", "0", "20", "0", "0", "0", "1", "0", "0", "3", "250000", "transaction"],
            ]);
        var stats = new ConsoleTable(["database", "avg_xact_count", "avg_query_count"], [["tovplay", "120", "480"]]);
        var clients = new ConsoleTable(["type", "user", "database", "state", "addr", "port", "connect_time", "wait", "wait_us", "application_name"],
            [["C", "tovplay_app", "tovplay", "waiting", "10.0.0.7", "51234", "2026-12-04 11:58:00 UTC", "2", "500000", "tovplay-backend"]]);

        var state = BouncerState.Read(pools, stats, clients);

        var pool = Assert.Single(state.Pools);
        Assert.Equal(new BouncerPool("tovplay", "tovplay_app", "transaction", 20, 7, 20, 0, 1, TimeSpan.FromSeconds(3.25)), pool);
        Assert.Equal((7, 20, 21), (state.ClientsWaiting, state.ClientsActive, state.ServersInUse));
        Assert.Equal(new BouncerStats("tovplay", 120, 480, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero), Assert.Single(state.Stats));
        Assert.Equal(new BouncerClient("tovplay_app", "tovplay", "waiting", "10.0.0.7", "tovplay-backend", "2026-12-04 11:58:00 UTC", TimeSpan.FromSeconds(2.5)), Assert.Single(state.Clients));
    }

    [Theory]
    [InlineData(0, "0 s")]
    [InlineData(42.9, "42 s")]
    [InlineData(200, "3 min 20 s")]
    [InlineData(7500, "2 h 05 min")]
    [InlineData(273600, "3 d 4 h")]
    [InlineData(-5, "0 s")]
    public void Elapsed_SaysTheTwoLargestUnits(double seconds, string expected) => Assert.Equal(expected, Elapsed.Short(TimeSpan.FromSeconds(seconds)));
}
