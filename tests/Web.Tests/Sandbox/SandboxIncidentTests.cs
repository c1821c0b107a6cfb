using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.Sandbox.Incidents;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.Investigations;
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

    [Fact]
    public async Task Explore()
    {
        var lines = new List<string>();
        foreach (var slug in IncidentCatalog.Slugs.OrderBy(s => s == "drop-table"))
        {
            var play = await PlayAsync(slug);
            lines.Add($"=== {slug}: rows {play.Playback.Rows} pid {play.Playback.Pid} addr {play.Playback.Address} link {play.Played.Link}");
            var (when, answer) = await InvestigateAsync(play);
            lines.Add($"window {when.WindowStart} - {when.WindowEnd} ({when.Origin}): {when.WindowExplanation}");
            foreach (var f in answer.Result.Findings)
            {
                lines.Add($"  {f.Step} [{f.Basis}] {f.Statement}");
            }

            foreach (var u in answer.Result.Unknowns)
            {
                lines.Add($"  ? {u.Step} {u.What}: {u.Why}");
            }

            foreach (var r in answer.Recommendations)
            {
                lines.Add($"  + {r.Title}");
            }
        }

        await File.WriteAllLinesAsync("/tmp/explore.txt", lines, Ct);
    }
}
