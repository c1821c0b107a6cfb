using TovPlay.Logs.Domain.Investigations;

namespace TovPlay.Logs.Domain.Tests.Investigations;

public sealed class WindowProposalTests
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_minute = TimeSpan.FromMinutes(1);

    private static ActivitySeries Series(string name, ActivitySignal signal, params double[] values) =>
        new(name, signal, [.. values.Select((v, i) => new ActivityPoint(s_start.AddMinutes(i), v))]);

    [Fact]
    public void Wipe_IsFoundInTheRowsRemoved_SummedOverTables_NotInTheRequestRate()
    {
        var series = new[]
        {
            Series("users", ActivitySignal.RowsRemoved, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0),
            Series("games", ActivitySignal.RowsRemoved, 0, 0, 0, 0, 0, 0, 40, 0, 0, 0),
            Series("Requests", ActivitySignal.Requests, 50, 52, 400, 49, 51, 50, 50, 48, 52, 50),
        };

        var window = WindowProposal.Propose(ScenarioKind.Wipe, series, s_minute)!;

        Assert.Equal((s_start.AddMinutes(6), s_start.AddMinutes(7)), (window.Start, window.End));
        Assert.Equal(43, window.Peak);
        Assert.StartsWith("Rows removed: From 2026-11-27 10:06:00 to 2026-11-27 10:07:00 UTC activity reached 43 per minute", window.Explanation);
    }

    [Fact]
    public void Account_WithATimeGiven_TheAnomalyNearestToIt_WinsOverAMoreTrustedSignalFarAway()
    {
        // An ordinary delete early in the range; sign-ins failing at the time the operator gave.
        var series = new[]
        {
            Series("games", ActivitySignal.RowsRemoved, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0),
            Series("Failed sign-ins", ActivitySignal.SignInFailures, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0),
        };

        var near = WindowProposal.Propose(ScenarioKind.SuspiciousAccount, series, s_minute, around: s_start.AddMinutes(7.5))!;
        var trusted = WindowProposal.Propose(ScenarioKind.SuspiciousAccount, series, s_minute)!;

        Assert.StartsWith("Failed sign-ins (each point: the last 5 buckets): ", near.Explanation);
        Assert.Equal(s_start.AddMinutes(7), near.Start);
        Assert.StartsWith("Rows removed: ", trusted.Explanation);
    }

    [Fact]
    public void Wipe_WithoutRemovedRows_FallsBackToTheErrors()
    {
        var series = new[]
        {
            Series("users", ActivitySignal.RowsRemoved, 0, 0, 0, 0, 0, 0, 0, 0),
            Series("Errors", ActivitySignal.Errors, 1, 0, 2, 1, 90, 1, 0, 1),
        };

        var window = WindowProposal.Propose(ScenarioKind.Wipe, series, s_minute)!;

        Assert.Equal(s_start.AddMinutes(4), window.Start);
        Assert.StartsWith("Errors: ", window.Explanation);
    }

    [Fact]
    public void SlowApi_IsALevelShiftInLatency()
    {
        var series = new[] { Series("Request time", ActivitySignal.Latency, 80, 85, 78, 82, 81, 400, 410, 390, 405, 398) };

        var window = WindowProposal.Propose(ScenarioKind.SlowApi, series, s_minute)!;

        Assert.Equal(s_start.AddMinutes(5), window.Start);
        Assert.Equal(s_start.AddMinutes(10), window.End);
        Assert.StartsWith("Request time (p95, ms): From 2026-11-27 10:05:00 UTC the level rose from ", window.Explanation);
    }

    [Fact]
    public void NothingUnusual_ProposesNothing()
    {
        var series = new[] { Series("Errors", ActivitySignal.Errors, 1, 0, 2, 1, 1, 1, 0, 1), Series("Requests", ActivitySignal.Requests, 50, 52, 51, 49, 51, 50) };

        Assert.Null(WindowProposal.Propose(ScenarioKind.ErrorSpike, series, s_minute));
        Assert.Null(WindowProposal.Propose(ScenarioKind.Free, [], s_minute));
    }

    [Fact]
    public void Fill_PutsZerosWhereNothingHappened_OnEpochAlignedBuckets()
    {
        var filled = WindowProposal.Fill([new ActivityPoint(s_start.AddMinutes(2).AddSeconds(20), 5)], s_start.AddSeconds(30), s_start.AddMinutes(4), s_minute);

        Assert.Equal([0, 0, 5, 0], filled.Select(p => p.Value));
        Assert.Equal(s_start, filled[0].Start);
        Assert.Equal(s_start.AddMinutes(3), filled[^1].Start);
    }

    [Theory]
    [InlineData(ScenarioKind.Wipe, ActivitySignal.RowsRemoved)]
    [InlineData(ScenarioKind.SlowApi, ActivitySignal.Latency)]
    [InlineData(ScenarioKind.ErrorSpike, ActivitySignal.Errors)]
    public void EachScenario_ChartsTheSignalItsProposalReads(ScenarioKind scenario, ActivitySignal signal)
    {
        Assert.Contains(signal, ActivityQueries.For(scenario));
        Assert.Null(ActivityQueries.LogQL(ActivitySignal.RowsRemoved, s_minute));
        Assert.Equal("sum(count_over_time({job=\"tovplay-backend\"} |= \"\\\"status\\\"\" [1m]))", ActivityQueries.LogQL(ActivitySignal.Requests, s_minute));
    }

    [Theory]
    [InlineData(ScenarioKind.Wipe, "users")]
    [InlineData(ScenarioKind.SuspiciousAccount, "mal\"lory")]
    [InlineData(ScenarioKind.SlowApi, "/api/games")]
    [InlineData(ScenarioKind.Free, "timeout")]
    [InlineData(ScenarioKind.ErrorSpike, null)]
    public void EveryLogSignal_IsValidLogQL_WithTheSubjectEscaped(ScenarioKind scenario, string? subject)
    {
        foreach (var signal in new[] { ActivitySignal.Requests, ActivitySignal.Errors, ActivitySignal.Latency, ActivitySignal.SignInFailures, ActivitySignal.DatabaseRefusals })
        {
            var query = ActivityQueries.LogQL(signal, s_minute, scenario, subject)!;
            Assert.Equal(query, TovPlay.Logs.Domain.LogQL.LogQLQuery.Print(TovPlay.Logs.Domain.LogQL.LogQLQuery.Parse(query)));
        }
    }

    private static double[] Zeros(int count, params (int At, double Value)[] events)
    {
        var values = new double[count];
        foreach (var (at, value) in events)
        {
            values[at] = value;
        }

        return values;
    }

    [Fact]
    public void Wipe_AnOverwriteLargerThanAnyRemoval_IsTheWindow_NotTheTrafficsDeletesSpike()
    {
        // The traffic's one-row deletes, with a burst of 9 at minute 3; a job's UPDATE of 20,000 rows at minute 12.
        var series = new[]
        {
            Series("lobby_members", ActivitySignal.RowsRemoved, 1, 0, 1, 9, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1),
            Series("users", ActivitySignal.RowsOverwritten, Zeros(15, (12, 20_000))),
        };

        var window = WindowProposal.Propose(ScenarioKind.Wipe, series, s_minute)!;

        Assert.Equal((s_start.AddMinutes(12), s_start.AddMinutes(13)), (window.Start, window.End));
        Assert.StartsWith("Rows overwritten (UPDATE): ", window.Explanation);
        Assert.StartsWith("Rows overwritten (UPDATE): ", WindowProposal.Propose(ScenarioKind.Free, series, s_minute)!.Explanation);
    }

    [Fact]
    public void Wipe_OneSmallDeletionInAQuietTable_StandsOutByBeingThere()
    {
        // One guild deleted in an hour: no spike above a level of zero, but the only deletion of the table.
        var series = new[] { Series("guilds", ActivitySignal.RowsRemoved, Zeros(60, (41, 1))) };

        var window = WindowProposal.Propose(ScenarioKind.Wipe, series, s_minute)!;

        Assert.Equal((s_start.AddMinutes(41), s_start.AddMinutes(42)), (window.Start, window.End));
        Assert.Equal("Rows removed: From 2026-11-27 10:41:00 to 2026-11-27 10:42:00 UTC: 1 in all, in 1 of the range's 60 buckets (every other one holds none), so the few there are stand out.",
            window.Explanation);
    }

    [Fact]
    public void Wipe_NothingRemoved_ButOneRefusal_IsTheWindow()
    {
        var series = new[]
        {
            Series("users", ActivitySignal.RowsRemoved, Zeros(30)),
            Series("Refused by PostgreSQL", ActivitySignal.DatabaseRefusals, Zeros(30, (17, 1))),
            Series("Errors", ActivitySignal.Errors, Zeros(30, (2, 1), (9, 2), (25, 1))),
        };

        var window = WindowProposal.Propose(ScenarioKind.Wipe, series, s_minute)!;

        Assert.Equal(s_start.AddMinutes(17), window.Start);
        Assert.StartsWith("Refused by PostgreSQL: ", window.Explanation);
    }

    [Fact]
    public void ARareEvent_IsNoWindow_WhenItIsNotRare_OrWhenItIsTraffic()
    {
        // Deletes in a fifth of the buckets are the table's routine; one request in an hour is no incident.
        Assert.Null(WindowProposal.Propose(ScenarioKind.Wipe, [Series("games", ActivitySignal.RowsRemoved, Zeros(20, (1, 1), (5, 1), (9, 2), (14, 1)))], s_minute));
        Assert.Null(WindowProposal.Propose(ScenarioKind.Free, [Series("Requests", ActivitySignal.Requests, Zeros(60, (30, 1)))], s_minute));
        Assert.Equal("sum(count_over_time({job=\"postgres\"} |~ \"(ERROR|FATAL):  (permission denied|must be owner|TovPlay mass-change guard|password authentication failed|no pg_hba.conf entry)\" |= \"users\" [1m]))",
            ActivityQueries.LogQL(ActivitySignal.DatabaseRefusals, s_minute, ScenarioKind.Wipe, "users"));
    }

    [Fact]
    public void AnAccountsWindow_TakesInTheActivityLeadingUpToItsAnomaly()
    {
        // The credential change (an update) in the minute before the removals, and a sign-in the minute before that.
        var series = new[]
        {
            Series("games", ActivitySignal.RowsRemoved, Zeros(20, (12, 30))),
            Series("users", ActivitySignal.RowsChanged, Zeros(20, (11, 1), (3, 1))),
            Series("Requests", ActivitySignal.Requests, Zeros(20, (10, 1), (11, 2), (12, 3), (3, 1))),
        };

        var window = WindowProposal.Propose(ScenarioKind.SuspiciousAccount, series, s_minute)!;

        Assert.Equal((s_start.AddMinutes(10), s_start.AddMinutes(13)), (window.Start, window.End));
        Assert.EndsWith("Widened to start at 2026-11-27 10:10:00 UTC, to take in the account's activity leading up to it.", window.Explanation);
        Assert.Equal(s_start.AddMinutes(12), WindowProposal.Propose(ScenarioKind.Wipe, series, s_minute)!.Start);
    }

    [Fact]
    public void ARareDeletion_WinsOverASpikeOfErrors_ALessTrustedSignal_WithATimeOrWithout()
    {
        var series = new[]
        {
            Series("users", ActivitySignal.RowsRemoved, Zeros(60, (41, 1))),
            Series("Errors", ActivitySignal.Errors, Zeros(60, (2, 1), (10, 90), (25, 1), (50, 2))),
        };

        var near = WindowProposal.Propose(ScenarioKind.Wipe, series, s_minute, around: s_start.AddMinutes(41.5))!;
        var without = WindowProposal.Propose(ScenarioKind.Wipe, series, s_minute)!;

        Assert.Equal((s_start.AddMinutes(41), "Rows removed: "), (near.Start, near.Explanation[..14]));
        // The same window the audit trail's part proposes alone, before the logs' errors are in: the wizard does not change its mind.
        Assert.Equal((s_start.AddMinutes(41), "Rows removed: "), (without.Start, without.Explanation[..14]));
        Assert.Equal(without.Start, WindowProposal.Propose(ScenarioKind.Wipe, series[..1], s_minute)!.Start);
    }
}
