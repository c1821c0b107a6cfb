using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.Sandbox.Incidents;
using TovPlay.Logs.Web.Model.Investigations;
using TovPlay.Logs.Web.Sandbox;

namespace TovPlay.Logs.Web.Tests.Sandbox;

/// <summary>
/// Incidents asked about as an operator who does not know what happened would: the free scenario, no subject, over
/// busy traffic (ten requests a second, many of them one-row deletes of players' own things). The incident must lead
/// the answer, and the traffic's routine be summed up apart rather than followed.
/// </summary>
public sealed class BusyTrafficIncidentTests() : IncidentHarness(requestsPerMinute: 600)
{
    [Fact]
    public async Task AnUpdateWithoutWhere_IsWhatTheFreeScenarioFollows_NotTheTrafficsOneRowDeletes()
    {
        await WaitForHabitsAsync();
        var play = await PlayAsync(DatabaseIncidents.UpdateWithoutWhereSlug);
        await WaitForTrafficInTheMinuteOfAsync(play);

        var (when, answer) = await InvestigateAsync(play, ScenarioKind.Free);

        // A young trail holds no traffic before the sandbox started: the traffic's removals may spike with the update, in its window.
        Assert.InRange(play.Playback.At, when.WindowStart!.Value, when.WindowEnd!.Value);
        var what = Said(answer, InvestigationStep.What);
        Assert.StartsWith($"UPDATE on public.users overwrote {play.Playback.Rows:N0} row(s) at ", what[0]);
        Assert.StartsWith("It changed balance_cents on ", what[1]);
        AssertSays(answer, InvestigationStep.What, w => w.StartsWith("Plus ", StringComparison.Ordinal) && w.Contains(" routine change(s) by the application in the window", StringComparison.Ordinal));
        Assert.False(what.Any(w => w.Contains(" removed 1 row(s) at ", StringComparison.Ordinal)), Followed(play, when, what));
        AssertSourced(answer);
    }

    [Fact]
    public async Task ARefusedDelete_IsInTheFreeScenariosAnswer_BesideTheTrafficsRoutineSummedUp()
    {
        await WaitForHabitsAsync();
        var play = await PlayAsync(DatabaseIncidents.RefusedDeleteSlug);
        await WaitForServerLogAsync(play.Playback.Pid, "STATEMENT:  DELETE FROM users");
        await WaitForTrafficInTheMinuteOfAsync(play);

        var (when, answer) = await InvestigateAsync(play, ScenarioKind.Free);

        AssertSays(answer, InvestigationStep.What, w => w.StartsWith("PostgreSQL refused DELETE on users at ", StringComparison.Ordinal), Seen(play, when));
        AssertSays(answer, InvestigationStep.Who, w => w.StartsWith($"Tried by database role {Sandbox.Roles.Support}, from ", StringComparison.Ordinal));
        AssertSays(answer, InvestigationStep.What, w => w.StartsWith("Plus ", StringComparison.Ordinal) && w.Contains(" routine change(s) by the application in the window", StringComparison.Ordinal));
        var what = Said(answer, InvestigationStep.What);
        Assert.False(what.Any(w => w.Contains(" removed 1 row(s) at ", StringComparison.Ordinal)), Followed(play, when, what));
        AssertSourced(answer);
    }

    /// <summary>What a failure needs to be read: the play, the window WHEN found and the whole of WHAT (a clean-clone run listed the traffic's sign-outs one by one and said no more).</summary>
    private static string Followed(IncidentPlay play, WhenViewModel when, IReadOnlyList<string> what) =>
        $"the traffic's routine was followed, not summed up: played at {play.Playback.At:O}, window {when.WindowStart:O} to {when.WindowEnd:O}; WHAT:\n" + string.Join("\n", what);

    /// <summary>
    /// Waits until the traffic has deleted something in the minute the incident was played in, the window WHEN finds:
    /// the routine the answer sums up is the traffic's deletes in that window. A clean-clone run on a loaded machine
    /// once played the incident in the first moment of a minute and answered without a routine to sum up.
    /// </summary>
    private async Task WaitForTrafficInTheMinuteOfAsync(IncidentPlay play)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromMinutes(2));
        var minute = play.Playback.At.UtcDateTime;
        minute = minute.AddTicks(-(minute.Ticks % TimeSpan.TicksPerMinute));
        while (!bound.IsCancellationRequested)
        {
            var changes = await Sandbox.CountAsync($"""
                SELECT count(*) FROM tovplay_audit.statements
                WHERE action = 'DELETE' AND request_path LIKE '/api/%'
                    AND statement_at >= '{minute:O}'::timestamptz AND statement_at < '{minute.AddMinutes(1):O}'::timestamptz
                """);
            if (changes >= 2)
            {
                return;
            }

            await Task.Delay(500, Ct);
        }

        Assert.Fail($"The traffic deleted nothing twice in the minute from {minute:O} within two minutes.");
    }

    /// <summary>
    /// Waits until the traffic has shown its habits: each kind of delete it makes (a player's oldest game, leaving a
    /// lobby, signing out, unfriending) made at least nine times by three players, three of them before the current
    /// minute. A kind counts as routine when it happened three times in the hour before the window or five times in
    /// it by three users; the window WHEN finds for one statement is the minute it was played in, so the three before
    /// that minute make the habit whoever made the rest. (Nine by three players alone let five land in the window by
    /// two players and two before it, and the kind was then listed as removals.)
    /// </summary>
    private async Task WaitForHabitsAsync()
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromMinutes(5));
        while (!bound.IsCancellationRequested)
        {
            var shown = await Sandbox.CountAsync("""
                SELECT count(*) FROM (
                    SELECT request_path FROM tovplay_audit.statements WHERE action = 'DELETE' AND request_path LIKE '/api/%'
                    GROUP BY request_path HAVING count(*) >= 9 AND count(DISTINCT app_username) >= 3
                        AND count(*) FILTER (WHERE statement_at < date_trunc('minute', now())) >= 3) habits
                """);
            if (shown >= 4)
            {
                return;
            }

            await Task.Delay(500, Ct);
        }

        Assert.Fail("The traffic did not make each of its four kinds of delete nine times within five minutes.");
    }
}
