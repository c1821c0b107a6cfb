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
        Assert.StartsWith("203.0.113.99: 3 line(s) and 1 audited change(s) of nico; new: first seen at 2026-12-03 09:59:12.000 UTC, 48 s before the window", who[0]);
        Assert.Equal("198.51.100.23: 3 line(s) of nico; known: nico has used it since 2026-12-03 09:05:00.000 UTC, the start of nico's activity in reach", who[1]);
        var takeover = Assert.Single(result.For(InvestigationStep.Why), f => f.Basis == FindingBasis.Inferred);
        Assert.Equal("Verdict: nico was probably taken over. This has the shape of an account takeover: a sign-in from the new address 203.0.113.99 at 2026-12-03 09:59:12.000 UTC, "
            + "then PASSWORD_CHANGE at 2026-12-03 10:00:06.000 UTC, then 8 row(s) removed in 1 statement(s) until 2026-12-03 10:00:12.000 UTC", takeover.Statement);
        Assert.Equal(0.8, takeover.Confidence, 6);
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

        var guessed = Assert.Single(result.For(InvestigationStep.Why), f => f.Statement.StartsWith("This has the shape of a guessed password", StringComparison.Ordinal));
        Assert.Equal("This has the shape of a guessed password: 5 failed sign-in(s) of nico from 203.0.113.77 from 2026-12-03 09:54:00.000 UTC, then a successful sign-in from it at 2026-12-03 09:59:30.000 UTC",
            guessed.Statement);
        Assert.Equal("inference from application log (80% confidence)", guessed.BasisLabel);
        Assert.DoesNotContain(result.Unknowns, u => u.What == "whether someone else used the account");
        var verdict = Assert.Single(result.For(InvestigationStep.Why), f => f.Statement.StartsWith("Verdict: ", StringComparison.Ordinal));
        Assert.Equal(("Verdict: possibly someone else. A sign-in came from the new address 203.0.113.77 at 2026-12-03 09:59:30.000 UTC, but no credential changed: "
            + "the owner on a new network would look the same, so ask them", 0.7), (verdict.Statement, verdict.Confidence));
        Assert.Equal(["Block 203.0.113.77 at the edge"], recommendations.Where(r => r.Title.StartsWith("Block", StringComparison.Ordinal)).Select(r => r.Title));
    }

    private static AuditStatement Change(long id, double minutes, string ip, string path, string action = "UPDATE", string table = "users") =>
        new(id, 100 + id, s_window.AddMinutes(minutes), "public", table, action, 1, "tovplay_app", "tovplay_app", "10.0.1.5", 5000, "tovplay-backend", 42,
            "14", "nico", ip, $"c-{id}", path, $"{action} ...");

    [Fact]
    public void ATakeoverSeenOnlyInTheAuditTrail_NamesTheNewAddress_TheCredentialChange_AndGivesAVerdict()
    {
        // The application's lines of the account carry no ip field; every audited change carries the end user's address.
        var lines = new List<RequestLine>
        {
            new(s_window.AddMinutes(-0.2), "tovplay-backend", new Dictionary<string, string> { ["username"] = "nico", ["action"] = "EMAIL_CHANGE" }, "{\"username\":\"nico\",\"action\":\"EMAIL_CHANGE\"}"),
        };
        var statements = new[]
        {
            Change(1, -40, "198.51.100.23", "/api/profile"),
            Change(2, -0.1, "203.0.113.99", "/api/account/credentials"),
            Change(3, 0.5, "203.0.113.99", "/api/purchases/1", "DELETE", "purchases"),
            Change(4, 0.6, "203.0.113.99", "/api/purchases/2", "DELETE", "purchases"),
        };
        var changes = new Dictionary<long, IReadOnlyList<RowChange>>
        {
            [1] = [new(1, 1, """{"id":14,"bio":"hi"}""", """{"id":14,"bio":"hello"}""")],
            [2] = [new(2, 1, """{"id":14,"email":"nico@example.org","password_hash":"$2b$old"}""", """{"id":14,"email":"owner@evil.example","password_hash":"$2b$new"}""")],
        };
        var evidence = Evidence(lines, statements) with
        {
            PriorAddresses = [new UsedAddress("198.51.100.23", 12, s_window.AddDays(-2))],
            PriorAddressesQuery = "{prior addresses}",
            Changes = changes,
        };

        var (result, recommendations) = AccountInvestigation.Analyse(evidence, s_window);

        var what = result.For(InvestigationStep.What).Select(f => f.Statement).ToList();
        Assert.Contains("As nico, credentials changed at 2026-12-03 09:59:54.000 UTC: public.users's email on 1 row(s): before, \"nico@example.org\"; after, \"owner@evil.example\"; "
            + "password_hash on 1 row(s): changed (a secret: its values are not shown); from 203.0.113.99 (statement 2, transaction 102, request path /api/account/credentials, correlation id c-2)", what);
        Assert.Contains("As nico, UPDATE on public.users: 1 statement(s), 1 row(s), changing bio", what);
        var who = result.For(InvestigationStep.Who).Select(f => f.Statement).ToList();
        Assert.StartsWith("203.0.113.99: 3 audited change(s) of nico; new: first seen at 2026-12-03 09:59:54.000 UTC", who[0]);
        Assert.Equal("198.51.100.23: 1 audited change(s) of nico; known: nico changed data from it before 2026-12-03 09:00:00.000 UTC, the last time at 2026-12-01 10:00:00.000 UTC", who[1]);
        Assert.DoesNotContain(result.Unknowns, u => u.What == "the addresses behind the actions");
        var verdict = Assert.Single(result.For(InvestigationStep.Why), f => f.Basis == FindingBasis.Inferred);
        Assert.Equal("Verdict: nico was probably taken over. This has the shape of an account takeover: from the new address 203.0.113.99, the account's email and password_hash "
            + "changed at 2026-12-03 09:59:54.000 UTC, then 2 row(s) removed in 2 statement(s) until 2026-12-03 10:00:36.000 UTC", verdict.Statement);
        Assert.Equal((0.8, "inference from audit trail (80% confidence)"), (verdict.Confidence, verdict.BasisLabel));
        Assert.Contains(result.For(InvestigationStep.Why), f => f.Statement == "2026-12-03 09:59:54.000 UTC: public.users's email and password_hash changed as nico from 203.0.113.99 (new address) through /api/account/credentials, correlation id c-2");
        Assert.Contains(recommendations, r => r.Title == "Block 203.0.113.99 at the edge");
        Assert.Contains("action=~\"PASSWORD_CHANGE|PERMISSION_CHANGE|EMAIL_CHANGE|MFA_DISABLE|API_KEY_CREATE\"",
            Assert.Single(recommendations, r => r.Title == "Alert on a credential change of the account").Change);
        // RECOVER takes back the credential change and the deletes, not the owner's own profile edit.
        Assert.Equal([2L, 3L, 4L], result.Incident);
    }

    [Fact]
    public void EverythingFromKnownAddresses_IsTheOwner_ProbablySaidAsAVerdict()
    {
        var lines = new List<RequestLine> { Line(-58, "198.51.100.24", "LOGIN"), Line(-20, "198.51.100.24", "DELETE"), Line(0.5, "198.51.100.24", "PASSWORD_CHANGE", "/api/account/password") };

        // Known: the account signed in from it the day before.
        var (result, _) = AccountInvestigation.Analyse(Evidence(lines) with { PriorSignIns = [Line(-24 * 60, "198.51.100.24", "LOGIN")] }, s_window);

        var verdict = Assert.Single(result.For(InvestigationStep.Why), f => f.Basis == FindingBasis.Inferred);
        Assert.Equal(("Verdict: probably nico themself. Every sign-in and change came from addresses the account used before, and no credential changed from elsewhere", 0.7),
            (verdict.Statement, verdict.Confidence));
    }

    [Fact]
    public void AnAddressThatFailedAcrossAccounts_IsSaidToGuessAcrossThem_AndAnAlertPerAddressIsProposed()
    {
        var lines = new List<RequestLine> { Line(-58, "198.51.100.24", "LOGIN"), Line(-2, "203.0.113.77", "LOGIN_FAILED"), Line(-0.5, "203.0.113.77", "LOGIN") };
        RequestLine Failed(double minutes, string user) => new(s_window.AddMinutes(minutes), "tovplay-backend",
            new Dictionary<string, string> { ["username"] = user, ["ip"] = "203.0.113.77", ["action"] = "LOGIN_FAILED" }, $"{{\"username\":\"{user}\"}}");
        var failed = new[] { Failed(-4, "alice"), Failed(-3, "bob"), Failed(-2.5, "carol"), Failed(-2, "nico") };

        var (result, recommendations) = AccountInvestigation.Analyse(Evidence(lines) with { FailedSignIns = failed, FailedSignInsQuery = "{failed}" }, s_window);

        Assert.Contains("203.0.113.77 failed to sign in 4 time(s) to 4 account(s) between 2026-12-03 09:56:00.000 UTC and 2026-12-03 09:58:00.000 UTC, not to nico's alone: it was trying passwords across accounts",
            result.For(InvestigationStep.Who).Select(f => f.Statement));
        Assert.Equal("sum by (ip) (count_over_time({job=\"tovplay-backend\"} |= \"LOGIN_FAILED\" | json | action=\"LOGIN_FAILED\" [5m])) > 10",
            Assert.Single(recommendations, r => r.Title == "Alert on failed sign-ins from one address").Change);
    }

    [Fact]
    public void WithNothingEarlierToCompare_TheOnlyAddress_IsNotCalledTheOwners_AndGuessingAcrossAccountsStillStandsOut()
    {
        // The account's whole activity in reach comes from one address, with no sign-in or change on record before it.
        var lines = Enumerable.Range(0, 5).Select(i => Line(-6 + i, "203.0.113.77", "LOGIN_FAILED")).Append(Line(-0.5, "203.0.113.77", "LOGIN")).ToList();
        RequestLine Failed(double minutes, string user) => new(s_window.AddMinutes(minutes), "tovplay-backend",
            new Dictionary<string, string> { ["username"] = user, ["ip"] = "203.0.113.77", ["action"] = "LOGIN_FAILED" }, $"{{\"username\":\"{user}\"}}");
        var failed = new[] { Failed(-6.5, "alice"), Failed(-5.5, "bob") }.Concat(lines.Where(l => l.Field("action") == "LOGIN_FAILED")).ToList();

        var (result, recommendations) = AccountInvestigation.Analyse(Evidence(lines) with { FailedSignIns = failed, FailedSignInsQuery = "{failed}" }, s_window);

        var who = result.For(InvestigationStep.Who).Select(f => f.Statement).ToList();
        Assert.Equal("203.0.113.77: 6 line(s) of nico; the only address nico used in reach, and none is on record before: nothing to compare it with", who[0]);
        Assert.StartsWith("203.0.113.77 failed to sign in 7 time(s) to 3 account(s) between ", who[1]);
        var why = result.For(InvestigationStep.Why).Select(f => f.Statement).ToList();
        Assert.DoesNotContain(why, w => w.Contains("known addresses", StringComparison.Ordinal) || w.StartsWith("Verdict: probably nico themself", StringComparison.Ordinal));
        Assert.Contains(why, w => w.StartsWith("This has the shape of a guessed password: 5 failed sign-in(s) of nico from 203.0.113.77 from ", StringComparison.Ordinal));
        Assert.Contains(why, w => w.StartsWith("Verdict: possibly someone else. A sign-in came from 203.0.113.77 (guessing passwords across accounts) at ", StringComparison.Ordinal));
        Assert.Equal(["Block 203.0.113.77 at the edge"], recommendations.Where(r => r.Title.StartsWith("Block", StringComparison.Ordinal)).Select(r => r.Title));
    }

    [Fact]
    public void WithNothingEarlierToCompare_AndNothingSuspect_TheVerdictIsAnUnknown_NotTheOwner()
    {
        var lines = new List<RequestLine> { Line(-30, "198.51.100.24", "LOGIN"), Line(-25, "198.51.100.30", "LOGIN"), Line(-0.5, "198.51.100.24", "DELETE", "/api/games/mine/oldest") };

        var (result, _) = AccountInvestigation.Analyse(Evidence(lines), s_window);

        var why = result.For(InvestigationStep.Why).Select(f => f.Statement).ToList();
        Assert.DoesNotContain(why, w => w.StartsWith("Verdict: ", StringComparison.Ordinal));
        Assert.Contains("Plus 3 sign-in(s) and delete(s) of nico from addresses with nothing earlier to compare with (198.51.100.24, 198.51.100.30)", why);
        var unknown = Assert.Single(result.Unknowns, u => u.What == "whether someone else used the account");
        Assert.StartsWith("no sign-in or change of nico before ", unknown.Why);
        Assert.StartsWith("198.51.100.24: 2 line(s) of nico; in use from the start of nico's activity in reach, and no address of nico is on record before: nothing to compare it with",
            result.For(InvestigationStep.Who).Select(f => f.Statement).First());
    }
}
