using TovPlay.Logs.Domain.Investigations;

namespace TovPlay.Logs.Domain.Tests.Investigations;

public sealed class RoutineChangesTests
{
    private static ChangePattern Pattern(string path, long inWindow, long users, long maxRows, long before = 0, long maxBefore = 0, string action = "DELETE") =>
        new("public.games", action, path, "tovplay_app", inWindow, users, inWindow * Math.Max(1, maxRows), maxRows, before, maxBefore);

    [Fact]
    public void TheApplicationsHabits_AndManyUsersSmallChanges_AreRoutine_AnIncidentThroughTheAppIsNot()
    {
        Assert.True(RoutineChanges.IsRoutine(Pattern("/api/games/mine/oldest", 2, 2, 1, before: 30, maxBefore: 1)));
        Assert.True(RoutineChanges.IsRoutine(Pattern("job:close_stale_lobbies", 1, 0, 90, before: 6, maxBefore: 120, action: "UPDATE")));
        Assert.True(RoutineChanges.IsRoutine(Pattern("/api/lobbies/leave", 12, 9, 1)));
        // One user deleting row after row; a habit now far larger than before; a path never seen; no application context.
        Assert.False(RoutineChanges.IsRoutine(Pattern("/api/games/3", 40, 1, 1)));
        Assert.False(RoutineChanges.IsRoutine(Pattern("/api/games/mine/oldest", 1, 1, 500, before: 30, maxBefore: 1)));
        Assert.False(RoutineChanges.IsRoutine(Pattern("/api/admin/games/bulk-delete", 1, 1, 120)));
        Assert.False(RoutineChanges.IsRoutine(Pattern("", 50, 0, 1, before: 50, maxBefore: 1)));
    }

    [Fact]
    public void AHabitOfOneRow_ReachingAFewRowsInTheWindow_IsStillAHabit_ButNotMoreThanAFew()
    {
        // Signing out removes every session opened since the last sign-out: one row each time before, three now.
        Assert.True(RoutineChanges.IsRoutine(Pattern("/api/auth/logout", 6, 2, 3, before: 4, maxBefore: 1)));
        Assert.True(RoutineChanges.IsRoutine(Pattern("/api/auth/logout", 6, 2, RoutineChanges.CrowdRows, before: 4, maxBefore: 1)));
        Assert.False(RoutineChanges.IsRoutine(Pattern("/api/auth/logout", 6, 2, RoutineChanges.CrowdRows + 1, before: 4, maxBefore: 1)));
        Assert.True(RoutineChanges.IsRoutine(Pattern("/api/auth/logout", 6, 2, 8, before: 4, maxBefore: 4)));
    }

    [Fact]
    public void TheSummary_NamesEachRoutineKind_WithItsCounts_AndLeavesTheOthersOut()
    {
        var summary = RoutineChanges.Summary(
            [Pattern("/api/games/mine/oldest", 23, 18, 1, before: 31, maxBefore: 1), Pattern("/api/admin/games/bulk-delete", 1, 1, 120)], "SELECT ...", DateTimeOffset.UnixEpoch)!;

        Assert.Equal("Plus 23 routine change(s) by the application in the window, summed up apart and not followed: "
            + "DELETE on public.games through /api/games/mine/oldest as tovplay_app: 23 time(s), 23 row(s), by 18 user(s); 31 time(s) in the hour before", summary.Statement);
        Assert.Equal(EvidenceSource.AuditTrail, summary.Source);
        Assert.Null(RoutineChanges.Summary([Pattern("/api/admin/games/bulk-delete", 1, 1, 120)], "SELECT ...", DateTimeOffset.UnixEpoch));
    }
}
