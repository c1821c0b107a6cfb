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
public sealed class SandboxIncidentTests : IAsyncLifetime
{
    private SandboxApp _sandbox = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ClaimsPrincipal s_admin = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "incident-tests")], "tests"));

    public async ValueTask InitializeAsync() => _sandbox = await SandboxApp.StartAsync(("Sandbox:RequestsPerMinute", "120"));

    public async ValueTask DisposeAsync() => await _sandbox.DisposeAsync();

    private T Service<T>() where T : notnull => _sandbox.App.Services.GetRequiredService<T>();

    private Task<IncidentPlay> PlayAsync(string slug) => Service<IncidentPlayer>().PlayAsync(slug, s_admin, Ct);

    /// <summary>What the incident's link does: WHEN with its subject and time, the proposed window, then the scenario's answer.</summary>
    private async Task<(WhenViewModel When, ScenarioAnswer Answer)> InvestigateAsync(IncidentPlay play)
    {
        var expected = play.Incident.Expected;
        var when = new WhenViewModel(Service<ActivityReader>(), TimeProvider.System)
        {
            Scenario = expected.Scenario,
            Subject = expected.Subject,
            Around = play.Playback.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };
        Assert.True(await when.FindAsync(Ct), when.AroundError ?? when.SubjectError ?? when.RangeError);
        Assert.True(when.Activity!.Warnings.Count == 0, string.Join("\n", when.Activity.Warnings));
        var investigator = _sandbox.App.Services.GetServices<IScenarioInvestigator>().Single(i => i.Kind == expected.Scenario);
        var answer = await investigator.InvestigateAsync(new ScenarioQuestion(expected.Scenario, expected.Subject, when.WindowStart!.Value, when.WindowEnd!.Value), Ct);
        return (when, answer);
    }

    private static List<string> Said(ScenarioAnswer answer, InvestigationStep step) => [.. answer.Result.For(step).Select(f => f.Statement)];

    /// <summary>That the step says something matching; else fails with everything the answer said, to see why.</summary>
    private static void AssertSays(ScenarioAnswer answer, InvestigationStep step, Func<string, bool> match) =>
        Assert.True(Said(answer, step).Any(match), $"Nothing in {step} matched. The answer said:\n" + string.Join("\n", answer.Result.Findings.Select(f => $"{f.Step} [{f.Basis}] {f.Statement}")));

    /// <summary>
    /// Runs, as the superuser, the restore script RECOVER offers for the incident's transactions (the live traffic's own
    /// deletes in the window have scripts of their own); returns the rows it put back per table (from the trail).
    /// </summary>
    private async Task<Dictionary<string, long>> RestoreAsync(ScenarioAnswer answer, IncidentPlay play)
    {
        var restore = Service<AuditRestore>();
        var started = DateTimeOffset.UtcNow;
        var incident = answer.Statements.Where(s => play.Playback.Runs.Any(r => r.Covers(s))).ToList();
        Assert.NotEmpty(incident);
        foreach (var tx in incident.GroupBy(s => s.TxId))
        {
            await _sandbox.ExecuteAsync(await restore.ForStatementTransactionAsync(tx.First().Id, Ct));
        }

        // The restore's own changes, told apart from the live traffic's by their role: the traffic runs as the application's.
        await using var connection = await _sandbox.OpenSandboxAsync();
        await using var command = new Npgsql.NpgsqlCommand("""
            SELECT table_name, sum(row_count)::bigint FROM tovplay_audit.statements
            WHERE statement_at >= @from AND session_role = current_user AND action IN ('INSERT', 'UPDATE') GROUP BY 1
            """, connection);
        command.Parameters.AddWithValue("from", started.AddSeconds(-1));
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var restored = new Dictionary<string, long>();
        while (await reader.ReadAsync(Ct))
        {
            restored[reader.GetString(0)] = reader.GetInt64(1);
        }

        return restored;
    }

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
        Assert.StartsWith($"Database role {_sandbox.Roles.App}, from 127.0.0.1:", who[0]);
        Assert.Contains("Application user dana (id 30) from 192.0.2.39", who);
        var why = Said(answer, InvestigationStep.Why);
        Assert.StartsWith("The change came through the application", why[0]);
        Assert.Contains(why, w => w.EndsWith(": click:delete-selected-games by dana", StringComparison.Ordinal));
        Assert.Single(why, w => w.Contains("DELETE /api/admin/games/bulk-delete (200) by dana", StringComparison.Ordinal));
        // The audit trail's own copies in the log store share the correlation id; they are no evidence of the request.
        Assert.DoesNotContain(why, w => w.StartsWith("Backend at ", StringComparison.Ordinal) && w.EndsWith(": DELETE", StringComparison.Ordinal));

        var restored = await RestoreAsync(answer, play);
        Assert.Equal(rows, restored["games"]);
    }

    /// <summary>Waits until PostgreSQL's own log of this session (pid) is in the store: the server writes it, the sandbox ships it.</summary>
    private async Task WaitForServerLogAsync(int pid, string text)
    {
        Assert.True(Environment.GetEnvironmentVariable(SandboxApp.ServerLogVariable) is { Length: > 0 }, $"{SandboxApp.ServerLogVariable} is not set: run the tests with ./test.sh");
        var logs = Service<ILogSource>();
        var query = $"{{job=\"postgres\", env=\"sandbox\"}} |= \"[{pid}]\" |= \"{text}\"";
        // Bounded as the sandbox's own start is: a log that never arrives fails here with why, rather than hanging the run.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromMinutes(2));
        while (!bound.IsCancellationRequested)
        {
            var now = DateTimeOffset.UtcNow;
            var found = await logs.QueryRangeAsync(new RangeQueryRequest(query, TimeWindow.Ns(now.AddMinutes(-10)), TimeWindow.Ns(now.AddMinutes(1))), Ct);
            if (found.EntryCount > 0)
            {
                return;
            }

            await Task.Delay(200, Ct);
        }

        Assert.Fail($"PostgreSQL's log line \"{text}\" of backend {pid} did not reach the store within two minutes.");
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
        AssertSays(answer, InvestigationStep.Why, w => w.EndsWith($"LOG:  connection authorized: user=postgres database={_sandbox.SandboxDatabase} application_name=psql", StringComparison.Ordinal));
        Assert.DoesNotContain(answer.Result.Unknowns, u => u.What.StartsWith("the session of backend pid", StringComparison.Ordinal));

        var restored = await RestoreAsync(answer, play);
        Assert.Equal(rows, restored["games"]);
    }

    [Fact]
    public async Task UpdateWithoutWhere_IsAnOverwrite_ByTheWorkersServiceAccount_AndIsTakenBack()
    {
        var balances = await _sandbox.CountAsync("SELECT sum(balance_cents) FROM users");
        Assert.True(balances > 0);
        var play = await PlayAsync(DatabaseIncidents.UpdateWithoutWhereSlug);

        var (when, answer) = await InvestigateAsync(play);

        Assert.StartsWith("Rows overwritten (UPDATE): ", when.WindowExplanation);
        Assert.Equal(await _sandbox.CountAsync("SELECT count(*) FROM users"), play.Playback.Rows);
        AssertSays(answer, InvestigationStep.What, w => w.StartsWith($"UPDATE on public.users overwrote {play.Playback.Rows} row(s)", StringComparison.Ordinal));
        AssertSays(answer, InvestigationStep.Who, w => w.StartsWith($"Database role {_sandbox.Roles.Worker}, from 127.0.0.1:", StringComparison.Ordinal) && w.Contains("program tovplay-worker", StringComparison.Ordinal));
        var why = Said(answer, InvestigationStep.Why);
        Assert.StartsWith("The change came through the application", why[0]);
        Assert.Contains(why, w => w.EndsWith(": job started", StringComparison.Ordinal));
        Assert.Equal(0, await _sandbox.CountAsync("SELECT sum(balance_cents) FROM users"));

        await RestoreAsync(answer, play);
        Assert.Equal(balances, await _sandbox.CountAsync("SELECT sum(balance_cents) FROM users"));
    }

    [Fact]
    public async Task DropTable_FromADevelopersClient_IsAroundTheApp_AndItsRowsWereKept()
    {
        var play = await PlayAsync(DatabaseIncidents.DropTableSlug);

        var (_, answer) = await InvestigateAsync(play);

        var rows = play.Playback.Rows;
        AssertSays(answer, InvestigationStep.What, w => w.StartsWith($"DROP TABLE on public.friendships removed {rows:N0} row(s)", StringComparison.Ordinal));
        AssertSays(answer, InvestigationStep.Who, w => w.StartsWith($"Database role {_sandbox.Roles.Developer}, from ::1:", StringComparison.Ordinal) && w.Contains("program DBeaver", StringComparison.Ordinal));
        AssertSays(answer, InvestigationStep.Why, w => w.StartsWith("The change did not come through the application", StringComparison.Ordinal) && w.Contains("an interactive tool: dbeaver", StringComparison.Ordinal));

        // The table comes back empty, audited again, as the sandbox's next start would make it; then its rows with the restore script.
        await Service<SandboxDatabase>().PrepareAsync(_sandbox.SandboxDatabase, Ct);
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
    }

    [Fact]
    public async Task SlowAfterDeploy_IsALevelShiftOnThePath_WithTheDeployJustBefore()
    {
        var play = await PlayAsync(ServiceIncidents.SlowDeploySlug);

        var (when, answer) = await InvestigateAsync(play);

        var deployed = play.Playback.Started - TimeSpan.FromMinutes(15);
        Assert.StartsWith("Request time (p95, ms): ", when.WindowExplanation);
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
}
