using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Domain.Demo;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.Demo;
using TovPlay.Logs.Web.Investigations;
using TovPlay.Logs.Web.Tests.Audit;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Investigations;

/// <summary>
/// The five demo incidents, each played through the push API and real SQL into its own audited database and app,
/// then investigated as the wizard does: WHEN proposes the window from the activity, the scenario's investigator
/// answers, and the findings must name the right actor, window, rows, path and channel; what a restore script
/// covers comes back.
/// </summary>
public sealed class DemoIncidentTests : IAsyncLifetime
{
    private readonly TovPlayDatabase _db = new();
    private TestDatabase _appDb = null!;
    private TestApp _app = null!;
    private DemoTraffic _traffic = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.Installer.InstallAsync(await _db.Installer.TablesAsync(Ct), Ct);
        _appDb = await TestDatabase.CreateAsync("demo_app");
        _traffic = new DemoTraffic(_db.Suffix);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await _appDb.DisposeAsync();
        await _db.DisposeAsync();
    }

    /// <summary>Plays the incident into an app whose application servers are <paramref name="appServer"/>.</summary>
    private async Task<(DemoIncident Incident, DemoPlayback Playback)> PlayAsync(DemoIncidentKind kind, string appServer = "127.0.0.1")
    {
        _app = _db.StartApp(_appDb.ConnectionString, ("Investigations:DatabaseRoles:0", _db.AppRole), ("Investigations:AppServerAddresses:0", appServer));
        var token = await _app.CreateApiKeyAsync(ingestionRateBytes: 100_000_000);
        using var push = new LokiPushClient(_app, token);
        var player = new DemoPlayer(push.Http, async (connection, _) => connection == DemoConnection.Application ? await _db.OpenAsAppAsync() : await _db.Database.OpenAsync(), TimeProvider.System);
        var incident = _traffic.Build(kind);
        return (incident, await player.PlayAsync(incident, Ct));
    }

    /// <summary>WHEN, then the rest, as the wizard runs them: the activity over the played range, its proposed window, the answer for it.</summary>
    private async Task<(AnomalyWindow Window, ScenarioAnswer Answer)> InvestigateAsync(DemoExpectation expected, DemoPlayback playback)
    {
        var activity = await _app.Services.GetRequiredService<ActivityReader>()
            .ReadAsync(expected.Scenario, expected.Subject, playback.HistoryStart.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1), around: null, Ct);
        Assert.Empty(activity.Warnings);
        var window = activity.Proposal ?? throw new Xunit.Sdk.XunitException("WHEN proposed no window");
        var investigator = _app.Services.GetServices<IScenarioInvestigator>().Single(i => i.Kind == expected.Scenario);
        return (window, await investigator.InvestigateAsync(new ScenarioQuestion(expected.Scenario, expected.Subject, window.Start, window.End), Ct));
    }

    private static List<string> Said(ScenarioAnswer answer, InvestigationStep step) => [.. answer.Result.For(step).Select(f => f.Statement)];

    private async Task<long> GamesAsync() => (long)(await _db.QueryAsync("SELECT count(*) AS n FROM games"))[0]["n"]!;

    /// <summary>Runs the restore script of each transaction the answer found, as the owner would, and counts the games.</summary>
    private async Task RestoreAsync(ScenarioAnswer answer)
    {
        var restore = _app.Services.GetRequiredService<AuditRestore>();
        foreach (var tx in answer.Statements.GroupBy(s => s.TxId))
        {
            await _db.ExecuteAsOwnerAsync(await restore.ForStatementTransactionAsync(tx.First().Id, Ct));
        }
    }

    [Fact]
    public async Task A_MassDeleteThroughTheApi_NamesTheUser_TheRequest_AndTheRowsComeBack()
    {
        var (incident, playback) = await PlayAsync(DemoIncidentKind.ApiMassDelete);
        var expected = incident.Expected;

        var (window, answer) = await InvestigateAsync(expected, playback);

        Assert.InRange(playback.IncidentAt, window.Start, window.End.AddSeconds(1));
        Assert.StartsWith("Rows removed: ", window.Explanation);
        Assert.Contains($"DELETE on {expected.Table} removed {expected.Rows} row(s)", string.Join("\n", Said(answer, InvestigationStep.What)));
        Assert.Contains($"Application user {expected.Cause} (id 666) from 203.0.113.50", Said(answer, InvestigationStep.Who));
        var why = Said(answer, InvestigationStep.Why);
        Assert.StartsWith("The change came through the application", why[0]);
        Assert.Contains(why, w => w.EndsWith($": click:delete-all-games by {expected.Cause}", StringComparison.Ordinal));
        Assert.Contains(why, w => w.Contains($"DELETE {expected.Path} (200) by {expected.Cause}", StringComparison.Ordinal));
        Assert.Equal(0, await GamesAsync());

        await RestoreAsync(answer);
        Assert.Equal(expected.Rows, await GamesAsync());
    }

    [Fact]
    public async Task B_DirectTruncateFromPsql_IsAroundTheApp_ToldByPostgresOwnLog_AndTheRowsComeBack()
    {
        var (incident, playback) = await PlayAsync(DemoIncidentKind.DirectTruncate, appServer: "10.0.1.5");
        var expected = incident.Expected;

        var (_, answer) = await InvestigateAsync(expected, playback);

        Assert.Contains($"TRUNCATE on {expected.Table} removed {expected.Rows} row(s)", string.Join("\n", Said(answer, InvestigationStep.What)));
        Assert.StartsWith($"Database role {expected.Cause}, from 127.0.0.1:", Said(answer, InvestigationStep.Who)[0]);
        var why = Said(answer, InvestigationStep.Why);
        Assert.StartsWith("The change did not come through the application: ", why[0]);
        Assert.Contains("which is not one of the application servers (10.0.1.5)", why[0]);
        Assert.Contains(why, w => w.EndsWith("LOG:  connection authorized: user=postgres database=tovplay application_name=psql", StringComparison.Ordinal));
        Assert.Contains(answer.Recommendations, r => r.Title == "Refuse direct connections from 127.0.0.1 as postgres");

        await RestoreAsync(answer);
        Assert.Equal(expected.Rows, await GamesAsync());
    }

    [Fact]
    public async Task C_AnAccountTakeover_IsANewAddress_ThenAPasswordChange_ThenDeletes_SaidAsAnInference_AndTheRowsComeBack()
    {
        var (incident, playback) = await PlayAsync(DemoIncidentKind.AccountTakeover);
        var expected = incident.Expected;

        var (_, answer) = await InvestigateAsync(expected, playback);

        Assert.Contains($"As {expected.Subject}, DELETE on {expected.Table}: 1 statement(s), {expected.Rows} row(s)", Said(answer, InvestigationStep.What));
        var who = Said(answer, InvestigationStep.Who);
        Assert.Contains(who, w => w.StartsWith($"{expected.Cause}: ", StringComparison.Ordinal) && w.EndsWith($"new: no sign-in of {expected.Subject} came from it in the 30 days before", StringComparison.Ordinal));
        Assert.Contains(who, w => w.StartsWith("198.51.100.13: ", StringComparison.Ordinal) && w.Contains("known", StringComparison.Ordinal));
        var takeover = answer.Result.For(InvestigationStep.Why).Single(f => f.Basis == FindingBasis.Inferred);
        Assert.StartsWith($"This has the shape of an account takeover: a sign-in from the new address {expected.Cause}", takeover.Statement);
        Assert.Equal("inferred (70% confidence)", takeover.BasisLabel);
        Assert.Contains(answer.Recommendations, r => r.Title == $"Block {expected.Cause} at the edge");
        Assert.Equal((DemoTraffic.GamesPerOwner * 3L), await GamesAsync());

        await RestoreAsync(answer);
        Assert.Equal(DemoTraffic.GamesPerOwner * 4L, await GamesAsync());
    }

    [Fact]
    public async Task D_ASlowEndpointAfterADeploy_IsALevelShift_OnThatPath_WithTheDeployBeforeIt()
    {
        var (incident, playback) = await PlayAsync(DemoIncidentKind.SlowAfterDeploy);
        var expected = incident.Expected;

        var (window, answer) = await InvestigateAsync(expected, playback);

        Assert.StartsWith("Request time (p95, ms): ", window.Explanation);
        Assert.InRange(window.Start, playback.IncidentAt.AddMinutes(-21.5), playback.IncidentAt.AddMinutes(-19));
        var what = Said(answer, InvestigationStep.What);
        Assert.StartsWith($"{expected.Path}: 95th percentile ", what[0]);
        Assert.Contains(answer.Result.Findings, f => f.Step == InvestigationStep.Why && f.Statement.Contains($"{expected.Cause} (version 2.4.0)", StringComparison.Ordinal));
        Assert.Contains(answer.Recommendations, r => r.Title == $"Alert when {expected.Path} gets slow" && r.Change.StartsWith("quantile_over_time(0.95", StringComparison.Ordinal));
    }

    [Fact]
    public async Task E_AnErrorSpike_IsOneNewKindOfError_OnItsPath_ForEveryPlayer_WithTheConfigChangeBeforeIt()
    {
        var (incident, playback) = await PlayAsync(DemoIncidentKind.ErrorSpike);
        var expected = incident.Expected;

        var (window, answer) = await InvestigateAsync(expected, playback);

        Assert.StartsWith("Errors: ", window.Explanation);
        // One-minute buckets over the played hour: the window starts at the bucket holding the first error.
        Assert.InRange(window.Start, playback.IncidentAt.AddMinutes(-11), playback.IncidentAt.AddMinutes(-9.5));
        var what = Said(answer, InvestigationStep.What);
        Assert.Contains(what, w => w.StartsWith($"{expected.Cause}: duplicate key value violates unique constraint \"lobbies_pkey\" at {expected.Path}: ", StringComparison.Ordinal)
            && w.Contains("; new: first seen at ", StringComparison.Ordinal));
        Assert.Contains(Said(answer, InvestigationStep.Who), w => w.StartsWith("4 user(s) hit errors; most: ", StringComparison.Ordinal));
        var why = answer.Result.For(InvestigationStep.Why).ToList();
        Assert.Contains(why, f => f.Statement.StartsWith("The main error first occurred at ", StringComparison.Ordinal) && f.Evidence.Any(e => e.Source == "stack trace") && f.TraceId is not null);
        Assert.Contains(why, f => f.Statement.Contains("config reload: lobby pool size 5", StringComparison.Ordinal));
    }
}
