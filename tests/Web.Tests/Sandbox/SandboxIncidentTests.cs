using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.Sandbox.Incidents;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.Investigations;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Model.Investigations;
using TovPlay.Logs.Web.Sandbox;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Sandbox;

/// <summary>
/// Each incident played into a running sandbox over its live traffic, then investigated as its link opens the wizard
/// (scenario, subject and time set, WHEN looks at once, the window it proposes answered): the matching scenario must name
/// the right actor, window, rows and channel, and what a restore script covers must come back.
/// </summary>
public sealed class SandboxIncidentTests() : IncidentHarness(requestsPerMinute: 120)
{
    [Fact]
    public async Task ApiMassDelete_NamesTheModerator_HerRequestAndClick_TheCascade_AndTheRowsComeBack()
    {
        var play = await PlayAsync(DatabaseIncidents.ApiMassDeleteSlug);

        var (when, answer) = await InvestigateAsync(play);

        Assert.Equal(WindowOrigin.Proposed, when.Origin);
        Assert.InRange(play.Playback.At, when.WindowStart!.Value, when.WindowEnd!.Value);
        var rows = play.Playback.Rows;
        Assert.True(rows > 0);
        AssertSays(answer, InvestigationStep.What, w => w.StartsWith($"DELETE on public.games removed {rows:N0} row(s)", StringComparison.Ordinal));
        var who = Said(answer, InvestigationStep.Who);
        Assert.StartsWith($"Database role {Sandbox.Roles.App}, from 127.0.0.1:", who[0]);
        Assert.Contains("Application user dana (id 30) from 192.0.2.39", who);
        var why = Said(answer, InvestigationStep.Why);
        Assert.StartsWith("The change came through the application", why[0]);
        Assert.Contains(why, w => w.EndsWith(": click:delete-selected-games by dana", StringComparison.Ordinal));
        Assert.Single(why, w => w.Contains("DELETE /api/admin/games/bulk-delete (200) by dana", StringComparison.Ordinal));
        // The audit trail's own copies in the log store share the correlation id; they are no evidence of the request.
        Assert.DoesNotContain(why, w => w.StartsWith("Backend at ", StringComparison.Ordinal) && w.EndsWith(": DELETE", StringComparison.Ordinal));
        AssertSourced(answer);

        var restored = await RestoreAsync(answer, play);
        Assert.Equal(rows, restored["games"]);
    }

    [Fact]
    public async Task PsqlTruncate_IsAroundTheApp_FromAnotherAddress_AsTheSuperuser_ToldByPostgresOwnLog_AndTheRowsComeBack()
    {
        var play = await PlayAsync(DatabaseIncidents.PsqlTruncateSlug);
        await WaitForServerLogAsync(play.Playback.Pid, "connection authorized");

        var (when, answer) = await InvestigateAsync(play);

        Assert.Equal("::1", play.Playback.Address);
        Assert.InRange(play.Playback.At, when.WindowStart!.Value, when.WindowEnd!.Value);
        var rows = play.Playback.Rows;
        // The culprit first, whatever the traffic deleted in the same minutes.
        Assert.StartsWith($"TRUNCATE on public.games removed {rows:N0} row(s)", Said(answer, InvestigationStep.What)[0]);
        AssertSays(answer, InvestigationStep.Who, w => w.StartsWith("Database role postgres, from ::1:", StringComparison.Ordinal) && w.Contains("program psql", StringComparison.Ordinal));
        var why = Assert.Single(Said(answer, InvestigationStep.Why), w => w.StartsWith("The change did not come through the application", StringComparison.Ordinal));
        Assert.Contains("the client program was psql", why);
        Assert.Contains("it connected from ::1, which is not one of the application servers (127.0.0.1)", why);
        Assert.Contains(answer.Recommendations, r => r.Title == "Refuse direct connections from ::1 as postgres");
        // PostgreSQL's own account of the session: where it came from and how it signed in, from the server's log.
        AssertSays(answer, InvestigationStep.Why, w => w.Contains("LOG:  connection received: host=::1 port=", StringComparison.Ordinal));
        AssertSays(answer, InvestigationStep.Why, w => w.EndsWith($"LOG:  connection authorized: user=postgres database={Sandbox.SandboxDatabase} application_name=psql", StringComparison.Ordinal));
        Assert.DoesNotContain(answer.Result.Unknowns, u => u.What.StartsWith("the session of backend pid", StringComparison.Ordinal));
        // The trail began minutes ago: no claim of a first appearance it cannot back.
        AssertSays(answer, InvestigationStep.Who, w => w.StartsWith("The database role postgres made no audited change since the audit trail began at ", StringComparison.Ordinal)
            && w.EndsWith(": too little history to call it a first appearance", StringComparison.Ordinal));
        AssertSourced(answer);

        var restored = await RestoreAsync(answer, play);
        Assert.Equal(rows, restored["games"]);
    }

    [Fact]
    public async Task UpdateWithoutWhere_IsAnOverwrite_ByTheWorkersServiceAccount_AndIsTakenBack()
    {
        var balances = await Sandbox.CountAsync("SELECT sum(balance_cents) FROM users");
        Assert.True(balances > 0);
        var play = await PlayAsync(DatabaseIncidents.UpdateWithoutWhereSlug);

        var (when, answer) = await InvestigateAsync(play);

        Assert.StartsWith("Rows overwritten (UPDATE): ", when.WindowExplanation);
        Assert.Equal(await Sandbox.CountAsync("SELECT count(*) FROM users"), play.Playback.Rows);
        AssertSays(answer, InvestigationStep.What, w => w.StartsWith($"UPDATE on public.users overwrote {play.Playback.Rows} row(s)", StringComparison.Ordinal)
            && w.Contains(", request path job:grant_monthly_bonus", StringComparison.Ordinal));
        // What it overwrote, from the row images: the balances before, zero after.
        AssertSays(answer, InvestigationStep.What, w => w.StartsWith("It changed balance_cents on ", StringComparison.Ordinal) && w.Contains("; after, 0 on every one", StringComparison.Ordinal));
        AssertSays(answer, InvestigationStep.Why, w => w == "The statement as sent: UPDATE users SET balance_cents = 0 (no WHERE clause: it applied to every row of public.users)");
        Assert.Contains(answer.Recommendations, r => r.Guard is { Schema: "public", Table: "users" });
        AssertSays(answer, InvestigationStep.Who, w => w.StartsWith($"Database role {Sandbox.Roles.Worker}, from 127.0.0.1:", StringComparison.Ordinal) && w.Contains("program tovplay-worker", StringComparison.Ordinal));
        var why = Said(answer, InvestigationStep.Why);
        Assert.StartsWith("The change came through the application", why[0]);
        Assert.Contains(why, w => w.StartsWith("Worker at ", StringComparison.Ordinal) && w.EndsWith(": job started", StringComparison.Ordinal));
        Assert.Equal(0, await Sandbox.CountAsync("SELECT sum(balance_cents) FROM users"));

        await RestoreAsync(answer, play);
        Assert.Equal(balances, await Sandbox.CountAsync("SELECT sum(balance_cents) FROM users"));
    }

    [Fact]
    public async Task DropTable_FromADevelopersClient_IsAroundTheApp_AndItsRowsWereKept()
    {
        var play = await PlayAsync(DatabaseIncidents.DropTableSlug);

        var (_, answer) = await InvestigateAsync(play);

        var rows = play.Playback.Rows;
        AssertSays(answer, InvestigationStep.What, w => w.StartsWith($"DROP TABLE on public.friendships removed {rows:N0} row(s)", StringComparison.Ordinal));
        AssertSays(answer, InvestigationStep.Who, w => w.StartsWith($"Database role {Sandbox.Roles.Developer}, from ::1:", StringComparison.Ordinal) && w.Contains("program DBeaver", StringComparison.Ordinal));
        AssertSays(answer, InvestigationStep.Why, w => w.StartsWith("The change did not come through the application", StringComparison.Ordinal) && w.Contains("an interactive tool: dbeaver", StringComparison.Ordinal));
        // How it could: the developer acts with the owner's rights.
        AssertSays(answer, InvestigationStep.Why, w => w.StartsWith($"Database role {Sandbox.Roles.Developer} is a member of {Sandbox.Roles.Owner}: ", StringComparison.Ordinal));
        Assert.Contains(answer.Recommendations, r => r.Title == $"Take the membership in {Sandbox.Roles.Owner} away from {Sandbox.Roles.Developer}");
        AssertSourced(answer);

        // The table comes back empty, audited again, as the sandbox's next start would make it; then its rows with the restore script.
        await Service<SandboxDatabase>().PrepareAsync(Sandbox.SandboxDatabase, Ct);
        var restored = await RestoreAsync(answer, play);
        Assert.Equal(rows, restored["friendships"]);
    }

    [Fact]
    public async Task AccountTakeover_NamesTheNewAddress_NotTheOwners_AndSaysItLooksLikeATakeover()
    {
        var play = await PlayAsync(AccountIncidents.TakeoverSlug);

        var (_, answer) = await InvestigateAsync(play);

        var who = Said(answer, InvestigationStep.Who);
        Assert.StartsWith("203.0.113.99: ", who[0]);
        Assert.Contains("; new: first seen at ", who[0]);
        Assert.Contains(who, w => w.StartsWith("198.51.100.23: ", StringComparison.Ordinal) && w.Contains("; known: ", StringComparison.Ordinal));
        var takeover = Assert.Single(answer.Result.For(InvestigationStep.Why), f => f.Basis == FindingBasis.Inferred);
        Assert.StartsWith("Verdict: nico was probably taken over. This has the shape of an account takeover: a sign-in from the new address 203.0.113.99 at ", takeover.Statement);
        Assert.Contains(", then PASSWORD_CHANGE at ", takeover.Statement);
        Assert.Contains(", then the account's password_hash changed at ", takeover.Statement);
        // The credential change is read from the audit trail too, its secret never shown.
        AssertSays(answer, InvestigationStep.What, w => w.StartsWith("As nico, credentials changed at ", StringComparison.Ordinal)
            && w.Contains(": public.users's password_hash on 1 row(s): changed (a secret: its values are not shown); from 203.0.113.99 (", StringComparison.Ordinal));
        AssertSays(answer, InvestigationStep.What, w => w.StartsWith("As nico, DELETE on public.games: 1 statement(s), ", StringComparison.Ordinal));
        Assert.Contains(answer.Recommendations, r => r.Title == "Block 203.0.113.99 at the edge");
        Assert.DoesNotContain(answer.Recommendations, r => r.Title.Contains("198.51.100.23", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BruteForce_SaysThePasswordLooksGuessed_FromTheNewAddress()
    {
        var play = await PlayAsync(AccountIncidents.BruteForceSlug);

        var (when, answer) = await InvestigateAsync(play);

        Assert.True(Said(answer, InvestigationStep.Who)[0].StartsWith("203.0.113.77: ", StringComparison.Ordinal),
            $"Window {when.WindowStart:O} to {when.WindowEnd:O} ({when.WindowExplanation}), played at {play.Playback.At:O}; the answer said:\n"
            + string.Join("\n", answer.Result.Findings.Select(f => $"{f.Step} [{f.Basis}] {f.Statement}")));
        Assert.StartsWith("Failed sign-ins (each point: the last 5 buckets): ", when.WindowExplanation);
        var guessed = Assert.Single(answer.Result.For(InvestigationStep.Why), f => f.Basis == FindingBasis.Inferred && !f.Statement.StartsWith("Verdict: ", StringComparison.Ordinal));
        Assert.StartsWith("This has the shape of a guessed password: 5 failed sign-in(s) of olga from 203.0.113.77 from ", guessed.Statement);
        Assert.Equal(["Block 203.0.113.77 at the edge"], answer.Recommendations.Where(r => r.Title.StartsWith("Block", StringComparison.Ordinal)).Select(r => r.Title));
        // Not the victim's five failures alone: the address tried twelve accounts.
        AssertSays(answer, InvestigationStep.Who, w => w.StartsWith("203.0.113.77 failed to sign in 60 time(s) to 12 account(s) between ", StringComparison.Ordinal));
        Assert.Contains(answer.Recommendations, r => r.Title == "Alert on failed sign-ins from one address" && r.Change.StartsWith("sum by (ip)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SlowAfterDeploy_IsALevelShiftOnThePath_WithTheDeployJustBefore()
    {
        var play = await PlayAsync(ServiceIncidents.SlowDeploySlug);

        var (when, answer) = await InvestigateAsync(play);

        var deployed = play.Playback.Started - TimeSpan.FromMinutes(15);
        // On failure, the series WHEN looked at (whether the shift was there to find) and what the store held.
        if (!when.WindowExplanation.StartsWith("Request time (p95, ms): ", StringComparison.Ordinal))
        {
            Assert.Fail(when.WindowExplanation + "\n" + string.Join("\n",
                when.Activity!.Series.Select(s => $"{s.Name}: {string.Join(" ", s.Points.Select(p => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p.Start:HH:mm}={p.Value:0}")))}"))
                + "\n" + await Sandbox.StoreStateAsync("tovplay-backend", "/api/games", Ct));
        }

        Assert.InRange(when.WindowStart!.Value, deployed.AddMinutes(-1), deployed.AddMinutes(2));
        Assert.StartsWith("/api/games: 95th percentile ", Said(answer, InvestigationStep.What)[0]);
        AssertSays(answer, InvestigationStep.Why, w => w.EndsWith(": deployed version 2.5.0 (version 2.5.0)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ErrorBurst_IsOneNewError_ForEveryPlayer_WithTheConfigReloadBeforeIt()
    {
        var play = await PlayAsync(ServiceIncidents.ErrorBurstSlug);

        var (when, answer) = await InvestigateAsync(play);

        var firstError = play.Playback.Started - TimeSpan.FromMinutes(10);
        Assert.StartsWith("Errors: ", when.WindowExplanation);
        // Whole-minute buckets; a neighbouring minute with the traffic's own errors may join the run.
        Assert.InRange(when.WindowStart!.Value, firstError.AddMinutes(-3), firstError.AddMinutes(1));
        // The window is whole minutes: the burst's last seconds may fall just past it.
        AssertSays(answer, InvestigationStep.What, w => System.Text.RegularExpressions.Regex.IsMatch(w,
            "^IntegrityError: duplicate key value violates unique constraint \"lobbies_pkey\" at /api/lobbies: (8[5-9]|90) time\\(s\\) in the window; new: first seen at "));
        AssertSays(answer, InvestigationStep.Who, w => w.StartsWith("40 user(s) hit errors", StringComparison.Ordinal));
        AssertSays(answer, InvestigationStep.Why, w => w.EndsWith(": config reload: lobby pool size 5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SourceChecks_CountTheSandboxsLinesForItsState_ButNotForConnectingYourOwnTovPlay()
    {
        var checks = Service<Status.SourceChecks>();

        Assert.Equal(Status.SourceState.Ok, (await checks.LogsAsync(Ct)).State);
        var yours = await checks.LogsAsync(Ct, yours: true);
        Assert.Equal(Status.SourceState.Quiet, yours.State);
        Assert.Contains("no line (not counting the sandbox's) arrived", yours.Summary);
    }

    [Fact]
    public async Task RefusedDelete_NothingWasRemoved_ButTheSupportRole_FromItsAddress_WithPsql_TriedIt()
    {
        var play = await PlayAsync(DatabaseIncidents.RefusedDeleteSlug);
        var run = Assert.Single(play.Playback.Runs);
        Assert.Equal("permission denied for table users", run.Refusal);
        await WaitForServerLogAsync(run.Pid, "STATEMENT:  DELETE FROM users");

        var (when, answer) = await InvestigateAsync(play);
        var series = string.Join("; ", when.Activity!.Series.Select(x => $"{x.Name}: {x.Points.Sum(p => p.Value)}"));

        Assert.True(when.WindowExplanation?.StartsWith("Refused by PostgreSQL: ", StringComparison.Ordinal) == true, $"{when.WindowExplanation} ({series})");
        Assert.InRange(play.Playback.At, when.WindowStart!.Value, when.WindowEnd!.Value);
        var what = Said(answer, InvestigationStep.What);
        Assert.StartsWith("Nothing was removed or overwritten in this window: the audit trail holds no DELETE, TRUNCATE, DROP TABLE or mass UPDATE in it on users", what[0]);
        Assert.Matches("^PostgreSQL refused DELETE on users at [0-9: .-]+ UTC: permission denied for table users; it changed nothing. "
            + "The statement: DELETE FROM users WHERE last_login_at < now\\(\\) - interval '30 days';?$", what[1]);
        var roles = Sandbox.Roles;
        Assert.Equal($"Tried by database role {roles.Support}, from {run.Address}:", Said(answer, InvestigationStep.Who)[0][..($"Tried by database role {roles.Support}, from {run.Address}:".Length)]);
        AssertSays(answer, InvestigationStep.Who, w => w.EndsWith($", program psql, backend pid {run.Pid}", StringComparison.Ordinal));
        AssertSays(answer, InvestigationStep.Why, w => w.StartsWith("The attempt did not come through the application: ", StringComparison.Ordinal) && w.Contains("the client program was psql", StringComparison.Ordinal));
        Assert.DoesNotContain(answer.Result.Unknowns, u => u.What == "what removed the rows");
        Assert.Contains(answer.Recommendations, r => r.Title == "Alert when PostgreSQL refuses a statement for lack of privilege");
        Assert.Contains(answer.Recommendations, r => r.Title == $"Refuse direct connections from {run.Address} as {roles.Support}");
        Assert.All(answer.Result.For(InvestigationStep.What).Skip(1).Concat(answer.Result.For(InvestigationStep.Who)), f => Assert.Equal(EvidenceSource.PostgresLog, f.Source));
        AssertSourced(answer);
    }

    [Fact]
    public async Task AccountDeleted_OneRowInBusyTraffic_IsTheWindow_AndTheCascadeIsSaid_AndItAllComesBack()
    {
        var users = await Sandbox.CountAsync("SELECT count(*) FROM users");
        var games = await Sandbox.CountAsync("SELECT count(*) FROM games WHERE owner_id = 11");
        Assert.True(games > 0);
        var play = await PlayAsync(DatabaseIncidents.AccountDeletedSlug);

        var (when, answer) = await InvestigateAsync(play);

        // One deletion of users in the hour: no spike over a level of zero, but the only one there is.
        Assert.StartsWith("Rows removed: ", when.WindowExplanation);
        Assert.Contains(" in 1 of the range's ", when.WindowExplanation);
        Assert.InRange(play.Playback.At, when.WindowStart!.Value, when.WindowEnd!.Value);
        Assert.True(when.WindowEnd!.Value - when.WindowStart!.Value <= TimeSpan.FromMinutes(2), $"{when.WindowStart:O} to {when.WindowEnd:O}");
        var what = Said(answer, InvestigationStep.What);
        Assert.Matches("^DELETE on public.users removed 1 row\\(s\\) at [0-9: .-]+ UTC \\(statement [0-9]+, transaction [0-9]+, request path /api/admin/users/11, correlation id [0-9a-f-]+\\)$", what[0]);
        var cascade = $"by ON DELETE CASCADE from the DELETE on public.users (statement ";
        AssertSays(answer, InvestigationStep.What, w => w.StartsWith($"DELETE on public.games removed {games:N0} row(s) at ", StringComparison.Ordinal) && w.Contains(cascade, StringComparison.Ordinal));
        AssertSays(answer, InvestigationStep.What, w => w.StartsWith("DELETE on public.purchases", StringComparison.Ordinal) && w.Contains(" by ON DELETE CASCADE from the DELETE on public.users", StringComparison.Ordinal));
        AssertSays(answer, InvestigationStep.Why, w => w.StartsWith("SQL at ", StringComparison.Ordinal) && w.Contains(": DELETE on public.games (", StringComparison.Ordinal) && w.Contains(cascade, StringComparison.Ordinal));
        AssertSays(answer, InvestigationStep.Why, w => w.EndsWith("DELETE /api/admin/users/11 (200) by dana", StringComparison.Ordinal));
        AssertSourced(answer);

        var restored = await RestoreAsync(answer, play);
        Assert.Equal(1, restored["users"]);
        Assert.Equal(users, await Sandbox.CountAsync("SELECT count(*) FROM users"));
        Assert.Equal(games, await Sandbox.CountAsync("SELECT count(*) FROM games WHERE owner_id = 11"));
    }

    [Fact]
    public async Task SessionHijack_SeenOnlyInTheAuditTrail_NamesTheNewAddress_TheCredentialChange_AndGivesAVerdict()
    {
        var play = await PlayAsync(AccountIncidents.HijackSlug);

        var (when, answer) = await InvestigateAsync(play);

        var credentialsAt = play.Playback.Runs[0].From;
        Assert.InRange(credentialsAt, when.WindowStart!.Value, when.WindowEnd!.Value);
        var who = Said(answer, InvestigationStep.Who);
        Assert.StartsWith("203.0.113.45: 5 audited change(s) of pavel; new: first seen at ", who[0]);
        Assert.Contains(who, w => w.StartsWith("198.51.100.25: ", StringComparison.Ordinal) && w.Contains("; known: ", StringComparison.Ordinal));
        Assert.DoesNotContain(answer.Result.Unknowns, u => u.What == "the addresses behind the actions");
        AssertSays(answer, InvestigationStep.What, w => w.StartsWith("As pavel, credentials changed at ", StringComparison.Ordinal)
            && w.Contains(": public.users's email on 1 row(s): before, \"pavel@players.tovplay.org\"; after, \"pavel.recovery@mailbox.example\"; "
                + "password_hash on 1 row(s): changed (a secret: its values are not shown); from 203.0.113.45 (", StringComparison.Ordinal)
            && w.Contains("request path /api/account/credentials", StringComparison.Ordinal));
        var verdict = Assert.Single(answer.Result.For(InvestigationStep.Why), f => f.Statement.StartsWith("Verdict: ", StringComparison.Ordinal));
        Assert.StartsWith("Verdict: pavel was probably taken over. This has the shape of an account takeover: from the new address 203.0.113.45, the account's email and password_hash changed at ",
            verdict.Statement);
        Assert.Contains(" row(s) removed in 4 statement(s) until ", verdict.Statement);
        Assert.Equal(0.8, verdict.Confidence, 6);
        Assert.Contains(answer.Recommendations, r => r.Title == "Block 203.0.113.45 at the edge");
        // RECOVER offers to take back what came from there (the credentials, the deletes), not the owner's own routine.
        Assert.Equal(5, answer.Statements.Count);
        Assert.All(answer.Statements, s => Assert.Equal("203.0.113.45", s.AppClientIp));
        AssertSourced(answer);
    }
}
