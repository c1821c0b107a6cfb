using TovPlay.Logs.Domain.Sandbox;
using TovPlay.Logs.Domain.Sandbox.Incidents;

namespace TovPlay.Logs.Domain.Tests.Sandbox;

public sealed class IncidentStoryTests
{
    private static readonly DateTimeOffset s_at = new(2026, 12, 4, 1, 0, 0, TimeSpan.Zero);

    private static IncidentPlayback Played(params long[] rows) => new(s_at, [.. rows.Select(r => new IncidentRun(7, "127.0.0.1", s_at, s_at, r))]);

    [Fact]
    public void Takeover_TellsWhatItsDeletesReallyRemoved_EvenNothing()
    {
        var incident = IncidentCatalog.Build(AccountIncidents.TakeoverSlug, new Random(3), new SandboxRoles(), "postgres")!;

        var removed = incident.Story(Played(1, 8, 5));
        var nothingLeft = incident.Story(Played(1, 0, 0));

        Assert.Contains("then deleted the account's games (DELETE /api/games/bulk-delete): 8 row(s) and deleted its friendships: 5 row(s).", removed);
        Assert.Contains("then tried to delete the account's games (DELETE /api/games/bulk-delete), but none were left (an earlier incident had removed them), so nothing was deleted", nothingLeft);
    }

    [Fact]
    public void EveryIncident_LinksToItsScenario_WithItsSubjectAndTime()
    {
        foreach (var incident in IncidentCatalog.All(new SandboxRoles(), "postgres"))
        {
            var link = incident.InvestigationLink(Played(1));

            Assert.Matches(@"^investigate/(wipe|account|slow-api|errors)\?(subject=[^&]+&)?around=2026-12-04T01%3A00%3A00Z$", link);
            Assert.Equal(incident.Expected.Subject is not null, link.Contains("subject=", StringComparison.Ordinal));
        }
    }
}
