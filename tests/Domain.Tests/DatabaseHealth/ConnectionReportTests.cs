using TovPlay.Logs.Domain.DatabaseHealth;

namespace TovPlay.Logs.Domain.Tests.DatabaseHealth;

public sealed class ConnectionReportTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static Backend Client(int pid, string state, string role = "tovplay_app", string app = "tovplay-backend", string? address = "10.0.0.5",
        double? queryAgoSeconds = null, double? stateAgoSeconds = null, double? xactAgoSeconds = null, int[]? blockedBy = null, string? wait = null, string query = "SELECT 1") =>
        new(pid, Backend.ClientBackend, "tovplay", role, app, address, state, s_now.AddHours(-1),
            xactAgoSeconds is { } x ? s_now.AddSeconds(-x) : null, queryAgoSeconds is { } q ? s_now.AddSeconds(-q) : null, stateAgoSeconds is { } s ? s_now.AddSeconds(-s) : null,
            wait, wait is null ? null : "relation", query, blockedBy ?? []);

    private static Backend Worker(int pid, string type) => new(pid, type, null, null, null, null, null, s_now.AddDays(-1), null, null, null, "Activity", "AutoVacuumMain", null, []);

    [Fact]
    public void Headroom_CountsClientsOnly_AgainstWhatOrdinaryRolesMayOpen()
    {
        var backends = Enumerable.Range(1, 90).Select(i => Client(i, "idle")).Append(Worker(1000, "autovacuum launcher")).Append(Worker(1001, "checkpointer")).ToList();

        var snapshot = new ConnectionSnapshot(s_now, MaxConnections: 100, SuperuserReserved: 3, Reserved: 2, backends);

        Assert.Equal((90, 5), (snapshot.Used, snapshot.Headroom));
        Assert.Equal(90.0 / 95, snapshot.UsedShare, 6);
        Assert.Equal(0, (snapshot with { Backends = [.. backends, .. Enumerable.Range(200, 20).Select(i => Client(i, "active"))] }).Headroom);
    }

    [Fact]
    public void Groups_AreLargestFirst_AndBeyondTwelveValuesTheRestAreSummed()
    {
        var backends = Enumerable.Range(1, 20).Select(i => Client(i, "idle", address: $"10.0.0.{i}"))
            .Concat(Enumerable.Range(100, 5).Select(i => Client(i, "active", role: "postgres", app: "psql", address: null))).ToList();

        var report = ConnectionReport.Of(new ConnectionSnapshot(s_now, 100, 3, 0, backends), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10));

        Assert.Equal([new("idle", 20), new("active", 5)], report.ByState);
        Assert.Equal([new("tovplay_app", 20), new("postgres", 5)], report.ByRole);
        Assert.Equal(ConnectionReport.MaxValues, report.ByClient.Count);
        Assert.Equal(new ConnectionCount("(local socket)", 5), report.ByClient[0]);
        Assert.Equal(new ConnectionCount("(10 others)", 10), report.ByClient[^1]);
        Assert.Equal(25, report.ByClient.Sum(c => c.Count));
    }

    [Fact]
    public void IdleInTransaction_AndLongQueries_AreThoseOverTheirThresholds_OldestFirst()
    {
        var backends = new List<Backend>
        {
            Client(1, "idle in transaction", stateAgoSeconds: 5, xactAgoSeconds: 6),
            Client(2, "idle in transaction", stateAgoSeconds: 300, xactAgoSeconds: 320),
            Client(3, "idle in transaction (aborted)", stateAgoSeconds: 60),
            Client(4, "active", queryAgoSeconds: 10),
            Client(5, "active", queryAgoSeconds: 3600, query: "SELECT pg_sleep(7200)"),
            Client(6, "idle", stateAgoSeconds: 9000),
        };

        var report = ConnectionReport.Of(new ConnectionSnapshot(s_now, 100, 3, 0, backends), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10));

        Assert.Equal([(2, TimeSpan.FromSeconds(300)), (3, TimeSpan.FromSeconds(60))], report.IdleInTransaction.Select(f => (f.Backend.Pid, f.For)));
        Assert.Equal([(5, TimeSpan.FromHours(1))], report.LongRunning.Select(f => (f.Backend.Pid, f.For)));
    }

    [Fact]
    public void Blocking_RootsHoldLocksWaitingOnNobody_WaitersNestUnderThem_TheOneHoldingUpMostFirst()
    {
        var backends = new List<Backend>
        {
            Client(10, "idle in transaction", stateAgoSeconds: 120, xactAgoSeconds: 130, query: "UPDATE users SET balance = 0"),
            Client(11, "active", queryAgoSeconds: 100, blockedBy: [10], wait: "Lock", query: "UPDATE users SET balance = 1 WHERE id = 1"),
            Client(12, "active", queryAgoSeconds: 90, blockedBy: [11], wait: "Lock", query: "LOCK users"),
            Client(20, "active", queryAgoSeconds: 5, query: "ALTER TABLE games ADD c int"),
            Client(21, "active", queryAgoSeconds: 4, blockedBy: [20], wait: "Lock"),
            Client(30, "idle"),
        };

        var trees = BlockingNode.Trees(backends, s_now);

        Assert.Equal([10, 20], trees.Select(t => t.Backend.Pid));
        Assert.Equal(2, trees[0].HeldUp);
        Assert.Null(trees[0].Waiting);
        var waiter = Assert.Single(trees[0].Waiters);
        Assert.Equal((11, TimeSpan.FromSeconds(100)), (waiter.Backend.Pid, waiter.Waiting!.Value));
        Assert.Equal(12, Assert.Single(waiter.Waiters).Backend.Pid);
        Assert.Equal(21, Assert.Single(trees[1].Waiters).Backend.Pid);
    }

    [Fact]
    public void Blocking_ACycleIsShownOnce_PerSession_WithoutEndlessNesting()
    {
        var backends = new List<Backend>
        {
            Client(1, "active", blockedBy: [2], wait: "Lock", queryAgoSeconds: 3),
            Client(2, "active", blockedBy: [1], wait: "Lock", queryAgoSeconds: 2),
            Client(3, "active", blockedBy: [1, 2], wait: "Lock", queryAgoSeconds: 1),
        };

        var trees = BlockingNode.Trees(backends, s_now);

        Assert.Equal([1, 2], trees.Select(t => t.Backend.Pid).Order());
        var one = trees.Single(t => t.Backend.Pid == 1);
        Assert.Equal([2, 3], one.Waiters.Select(w => w.Backend.Pid));
        // 2 waits on 1; under it, 1 is not repeated, 3 (waiting on both) is.
        Assert.Equal([3], one.Waiters[0].Waiters.Select(w => w.Backend.Pid));
    }

    [Fact]
    public void Blocking_APileUpOfThousands_StaysWithinTheNodeBudget()
    {
        // Each of 300 sessions waits on all of the 100 before it: expanded fully, the tree would never end.
        var backends = Enumerable.Range(1, 100).Select(i => Client(i, "active"))
            .Concat(Enumerable.Range(101, 300).Select(i => Client(i, "active", blockedBy: [.. Enumerable.Range(1, 100)], wait: "Lock"))).ToList();

        var trees = BlockingNode.Trees(backends, s_now);

        static int Count(BlockingNode n) => 1 + n.Waiters.Sum(Count);
        Assert.InRange(trees.Sum(Count), 100, BlockingNode.MaxNodes + 100);
    }
}
