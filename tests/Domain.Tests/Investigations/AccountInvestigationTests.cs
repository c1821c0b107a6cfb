using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Investigations;

namespace TovPlay.Logs.Domain.Tests.Investigations;

public sealed class AccountInvestigationTests
{
    private static readonly DateTimeOffset s_window = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private static RequestLine Line(double minutes, string ip, string action, string path = "/api/auth/login") =>
        new(s_window.AddMinutes(minutes), "tovplay-backend",
            new Dictionary<string, string> { ["username"] = "nico", ["ip"] = ip, ["action"] = action, ["method"] = "POST", ["path"] = path },
            $"{{\"username\":\"nico\",\"ip\":\"{ip}\",\"action\":\"{action}\",\"path\":\"{path}\"}}");

    private static AuditStatement Delete(double minutes, long rows, string ip) =>
        new(9, 77, s_window.AddMinutes(minutes), "public", "games", "DELETE", rows, "tovplay_app", "tovplay_app", "10.0.1.5", 5000, "tovplay-backend", 42,
            "14", "nico", ip, "c-1", "/api/games/bulk-delete", "DELETE FROM games WHERE owner_id = 14");

    private static AccountEvidence Evidence(IReadOnlyList<RequestLine> lines, IReadOnlyList<AuditStatement>? statements = null) =>
        new("nico", s_window.AddHours(-1), s_window.AddMinutes(1), 30, lines, "{lines}", [], "{prior}", statements ?? []) { WindowStart = s_window };

    [Fact]
    public void AnAddressUsedAllHour_IsTheOwners_WhileOneFirstSeenJustBefore_IsNew_AndTheTakeoverNamesIt()
    {
        // No sign-in is on record before the hour (the logs begin with it): the usual address still stands out as usual.
        var lines = new List<RequestLine>
        {
            Line(-55, "198.51.100.23", "LOGIN"), Line(-40, "198.51.100.23", "DELETE", "/api/games/mine/oldest"), Line(-20, "198.51.100.23", "LOGIN"),
            Line(-0.8, "203.0.113.99", "LOGIN"), Line(0.1, "203.0.113.99", "PASSWORD_CHANGE", "/api/account/password"), Line(0.2, "203.0.113.99", "DELETE", "/api/games/bulk-delete"),
        };

        var (result, recommendations) = AccountInvestigation.Analyse(Evidence(lines, [Delete(0.2, 8, "203.0.113.99")]), s_window);

        var who = result.For(InvestigationStep.Who).Select(f => f.Statement).ToList();
        Assert.StartsWith("203.0.113.99: 3 line(s) of nico; new: first seen at 2026-12-03 09:59:12.000 UTC, 48 s before the window", who[0]);
        Assert.Equal("198.51.100.23: 3 line(s) of nico; known: nico has used it since 2026-12-03 09:05:00.000 UTC, the start of nico's lines in reach", who[1]);
        var takeover = Assert.Single(result.For(InvestigationStep.Why), f => f.Basis == FindingBasis.Inferred);
        Assert.Equal("This has the shape of an account takeover: a sign-in from the new address 203.0.113.99 at 2026-12-03 09:59:12.000 UTC, then PASSWORD_CHANGE at 2026-12-03 10:00:06.000 UTC, then 8 row(s) removed",
            takeover.Statement);
        Assert.Contains(recommendations, r => r.Title == "Block 203.0.113.99 at the edge");
        Assert.DoesNotContain(recommendations, r => r.Title.Contains("198.51.100.23", StringComparison.Ordinal));
    }

    [Fact]
    public void TheRoutineOfKnownAddresses_IsCountedApart_FromWhatCameFromTheNewOne()
    {
        var lines = new List<RequestLine>
        {
            Line(-55, "198.51.100.23", "LOGIN"), Line(-50, "198.51.100.23", "DELETE"), Line(-45, "198.51.100.23", "DELETE"), Line(-30, "198.51.100.23", "LOGIN"),
            Line(-0.5, "203.0.113.99", "LOGIN"), Line(0.1, "203.0.113.99", "PASSWORD_CHANGE", "/api/account/password"),
        };

        var (result, _) = AccountInvestigation.Analyse(Evidence(lines), s_window);

        var why = result.For(InvestigationStep.Why).Where(f => f.Basis == FindingBasis.Direct).Select(f => f.Statement).ToList();
        Assert.Equal(
        [
            "2026-12-03 09:59:30.000 UTC: LOGIN (POST /api/auth/login) from 203.0.113.99 (new address)",
            "2026-12-03 10:00:06.000 UTC: PASSWORD_CHANGE (POST /api/account/password) from 203.0.113.99 (new address)",
            "Plus 4 routine sign-in(s) and delete(s) of nico from known addresses (198.51.100.23)",
        ], why);
    }

    [Fact]
    public void WhenNothingStandsOut_AndTheWindowIsTheWholeRange_TheOwnersAddressIsStillKnown()
    {
        // The window starts with the lines: the owner's address is the first seen, the intruder's an hour later.
        var lines = new List<RequestLine> { Line(1, "198.51.100.24", "LOGIN"), Line(20, "198.51.100.24", "LOGIN"), Line(55, "203.0.113.77", "LOGIN") };

        var (result, _) = AccountInvestigation.Analyse(Evidence(lines) with { Start = s_window }, s_window);

        var who = result.For(InvestigationStep.Who).Select(f => f.Statement).ToList();
        Assert.StartsWith("203.0.113.77: 1 line(s) of nico; new: first seen at 2026-12-03 10:55:00.000 UTC, inside the window", who[0]);
        Assert.StartsWith("198.51.100.24: 2 line(s) of nico; known", who[1]);
    }

    [Fact]
    public void FailedSignInsFromANewAddress_ThenASuccessfulOne_IsAGuessedPassword()
    {
        var lines = new List<RequestLine> { Line(-58, "198.51.100.24", "LOGIN") };
        lines.AddRange(Enumerable.Range(0, 5).Select(i => Line(-6 + i, "203.0.113.77", "LOGIN_FAILED")));
        lines.Add(Line(-0.5, "203.0.113.77", "LOGIN"));

        var (result, recommendations) = AccountInvestigation.Analyse(Evidence(lines), s_window);

        var guessed = Assert.Single(result.For(InvestigationStep.Why), f => f.Basis == FindingBasis.Inferred);
        Assert.Equal("This has the shape of a guessed password: 5 failed sign-in(s) of nico from 203.0.113.77 from 2026-12-03 09:54:00.000 UTC, then a successful sign-in from it at 2026-12-03 09:59:30.000 UTC",
            guessed.Statement);
        Assert.Equal("inference from application log (80% confidence)", guessed.BasisLabel);
        Assert.DoesNotContain(result.Unknowns, u => u.What == "whether someone else used the account");
        Assert.Equal(["Block 203.0.113.77 at the edge"], recommendations.Where(r => r.Title.StartsWith("Block", StringComparison.Ordinal)).Select(r => r.Title));
    }
}
