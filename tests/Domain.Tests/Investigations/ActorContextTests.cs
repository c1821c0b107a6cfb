using TovPlay.Logs.Domain.Investigations;

namespace TovPlay.Logs.Domain.Tests.Investigations;

public sealed class ActorContextTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static ActorHistory History(Actor actor, params UsedAddress[] addresses) =>
        new(actor, 30, addresses, addresses.Length == 0 ? null : addresses.Max(a => a.Last), "SELECT ...", "rows");

    [Fact]
    public void ANewAddress_IsSaid_WithTheUsualOnes_AndWhenLastSeen()
    {
        var actor = new Actor(ActorKind.DatabaseRole, "tovplay_app", "203.0.113.9");
        var history = History(actor, new UsedAddress("10.0.0.5", 1200, s_now.AddHours(-3)), new UsedAddress("10.0.0.6", 40, s_now.AddDays(-4)));

        var findings = ActorContext.Describe(history, [], "", s_now).ToList();

        Assert.Equal(
        [
            "203.0.113.9 is a new address for the database role tovplay_app: none of its changes in the 30 days before came from it; it usually came from "
                + "10.0.0.5 (1,200, last 2026-11-27 09:00:00 UTC), 10.0.0.6 (40, last 2026-11-23 12:00:00 UTC)",
            "The database role tovplay_app was last seen before the incident at 2026-11-27 09:00:00 UTC (3 hours before this investigation)",
        ], findings.Select(f => f.Statement));
        Assert.All(findings, f => Assert.Equal((InvestigationStep.Who, FindingBasis.Direct), (f.Step, f.Basis)));
        Assert.Equal("SELECT ...", findings[0].Evidence.Single().Query);
    }

    [Fact]
    public void AKnownAddress_SaysHowOftenAndWhenLast()
    {
        var actor = new Actor(ActorKind.ApplicationUser, "mallory", "198.51.100.7");

        var finding = ActorContext.Describe(History(actor, new UsedAddress("198.51.100.7", 3, s_now.AddDays(-6))), [], "", s_now).First();

        Assert.Equal("198.51.100.7 is a known address for the application user mallory: 3 change(s) from it in the 30 days before, the last at 2026-11-21 12:00:00 UTC", finding.Statement);
    }

    [Fact]
    public void NoPast_IsAFirstAppearance_AndOtherActivityIsListed()
    {
        var actor = new Actor(ActorKind.DatabaseRole, "postgres", "local socket");
        var other = new[] { new OtherActivity("public.games", "DELETE", 2, 140), new OtherActivity("public.users", "UPDATE", 1, 1) };

        var findings = ActorContext.Describe(History(actor), other, "SELECT other", s_now).Select(f => f.Statement).ToList();

        Assert.Equal(
        [
            "The database role postgres made no audited change in the 30 days before: a first appearance",
            "Around the incident the database role postgres from local socket also did: DELETE on public.games (2 statement(s), 140 row(s)); UPDATE on public.users (1 statement(s), 1 row(s))",
        ], findings);
    }

    [Fact]
    public void ATrailInstalledMinutesBefore_ClaimsNoFirstAppearance()
    {
        var actor = new Actor(ActorKind.DatabaseRole, "dev_rowan", "::1");
        var history = History(actor) with { Before = s_now.AddMinutes(-1), TrailSince = s_now.AddMinutes(-6) };

        var finding = ActorContext.Describe(history, [], "", s_now).Single();

        Assert.Equal("The database role dev_rowan made no audited change since the audit trail began at 2026-11-27 11:54:00 UTC (5 minutes before): too little history to call it a first appearance",
            finding.Statement);
        Assert.Equal("the audit trail since it began at 2026-11-27 11:54:00 UTC, searched for any statement by it", finding.How);
    }

    [Fact]
    public void ATrailYoungerThanTheLookback_SaysHowFarItReaches()
    {
        var actor = new Actor(ActorKind.ApplicationUser, "mallory", "198.51.100.7");
        var history = History(actor, new UsedAddress("198.51.100.7", 3, s_now.AddDays(-2))) with { Before = s_now, TrailSince = s_now.AddDays(-3) };

        var finding = ActorContext.Describe(history, [], "", s_now).First();

        Assert.Equal("198.51.100.7 is a known address for the application user mallory: 3 change(s) from it since the audit trail began at 2026-11-24 12:00:00 UTC (3 days before), the last at 2026-11-25 12:00:00 UTC",
            finding.Statement);
    }
}
