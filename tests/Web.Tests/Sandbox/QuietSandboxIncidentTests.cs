using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.Sandbox;
using TovPlay.Logs.Domain.Sandbox.Incidents;

namespace TovPlay.Logs.Web.Tests.Sandbox;

/// <summary>
/// Incidents played into a sandbox whose traffic is nearly still (a request every hundred minutes or so): what an
/// incident's story claims must hold from the incident's own lines, not from the random traffic having shown its people.
/// </summary>
public sealed class QuietSandboxIncidentTests() : IncidentHarness(requestsPerMinute: 0.01)
{
    [Fact]
    public async Task BruteForce_CallsTheGuessingAddressNew_WithNoTrafficOfTheVictim()
    {
        var play = await PlayAsync(AccountIncidents.BruteForceSlug);

        var (_, answer) = await InvestigateAsync(play);

        var who = Said(answer, InvestigationStep.Who);
        Assert.True(who[0].StartsWith("203.0.113.77: ", StringComparison.Ordinal) && who[0].Contains("; new: first seen at ", StringComparison.Ordinal),
            "The answer said:\n" + string.Join("\n", answer.Result.Findings.Select(f => $"{f.Step} [{f.Basis}] {f.Statement}")));
        AssertSays(answer, InvestigationStep.Who, w => w.StartsWith($"{Roster.Named("olga").Ip}: ", StringComparison.Ordinal) && w.Contains("; known: ", StringComparison.Ordinal));
    }
}
