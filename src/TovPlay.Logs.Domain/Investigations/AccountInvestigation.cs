using System.Globalization;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>
/// What an account is investigated from: its lines in the window (backend and frontend, by username), its sign-ins
/// in the lookback before the window, and the audited statements made as it in the window.
/// </summary>
public sealed record AccountEvidence(
    string Username, DateTimeOffset Start, DateTimeOffset End, int LookbackDays,
    IReadOnlyList<RequestLine> Lines, string LinesQuery,
    IReadOnlyList<RequestLine> PriorSignIns, string PriorQuery,
    IReadOnlyList<AuditStatement> Statements)
{
    /// <summary>Where the window itself starts (<see cref="Start"/> is earlier: the lead-up is read too).</summary>
    public DateTimeOffset WindowStart { get; init; } = Start;
}

/// <summary>
/// "An account did things its owner would not": WHAT (its actions and data changes), WHO (the addresses and browsers
/// behind them, new or known), WHY/HOW (the sequence of sign-in, credential change and destructive actions, and
/// whether it has the shape of a takeover, said as an inference), PREVENT (secure the account, alert on the pattern).
/// </summary>
public static class AccountInvestigation
{
    /// <summary>Actions that change who controls an account or what it may do.</summary>
    public static readonly IReadOnlyList<string> CredentialActions = ["PASSWORD_CHANGE", "PERMISSION_CHANGE", "EMAIL_CHANGE", "MFA_DISABLE", "API_KEY_CREATE"];

    /// <summary>An address first seen this long after the account's first line in reach is new to it (unless an earlier sign-in came from it).</summary>
    public static readonly TimeSpan Established = TimeSpan.FromMinutes(10);

    private static string Span(TimeSpan span) => span.TotalHours >= 2 ? Whole(span.TotalHours) + " h" : span.TotalMinutes >= 2 ? Whole(span.TotalMinutes) + " min" : Whole(span.TotalSeconds) + " s";

    private static string Whole(double value) => value.ToString("0", CultureInfo.InvariantCulture);

    public static (InvestigationResult Result, IReadOnlyList<Recommendation> Recommendations) Analyse(AccountEvidence evidence, DateTimeOffset now)
    {
        var findings = new List<Finding>();
        var unknowns = new List<Unknown>();
        var user = evidence.Username;
        var lines = evidence.Lines.OrderBy(l => l.At).ToList();
        if (lines.Count == 0 && evidence.Statements.Count == 0)
        {
            unknowns.Add(new Unknown(InvestigationStep.What, $"what {user} did",
                "no log line carries this username in the window and the audit trail holds no change made as it: check the spelling, or widen the window"));
            return (new InvestigationResult(findings, unknowns), LogPrevention.ForAccount(user, []));
        }

        var actions = LineFacts.Top(lines, "action", 20);
        if (actions.Count > 0)
        {
            findings.Add(Finding.Direct(InvestigationStep.What, $"{user}'s actions in the window: {LineFacts.List(actions)}",
                "the action field of the lines with this username", new Evidence(EvidenceSource.ApplicationLog, evidence.LinesQuery, LineFacts.List(actions), now)));
        }

        foreach (var table in evidence.Statements.GroupBy(s => (s.QualifiedTable, s.Action)).OrderByDescending(g => g.Sum(s => s.Rows)))
        {
            findings.Add(Finding.Direct(InvestigationStep.What,
                string.Create(CultureInfo.InvariantCulture, $"As {user}, {table.Key.Action} on {table.Key.QualifiedTable}: {table.Count():N0} statement(s), {table.Sum(s => s.Rows):N0} row(s)"),
                "audit rows carrying the application user in tovplay.username or tovplay.user_id", Evidence.Of(table.First(), now)));
        }

        // Addresses: known from the sign-ins before the lead-up, or in use from the start of the account's lines in reach;
        // new when it first shows up well after that start (the logs may hold less than the lookback: then that start is all there is).
        var known = evidence.PriorSignIns.Select(l => l.Field("ip")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var firstSeen = lines.Where(l => l.Field("ip") is not null).GroupBy(l => l.Field("ip")!).ToDictionary(g => g.Key, g => g.Min(l => l.At), StringComparer.Ordinal);
        var earliest = firstSeen.Count > 0 ? firstSeen.Values.Min() : evidence.Start;
        bool IsNew(string ip) => !known.Contains(ip) && firstSeen.TryGetValue(ip, out var first) && first - earliest >= Established;
        var used = LineFacts.Top(lines, "ip", 10);
        var fresh = used.Select(u => u.Value).Where(IsNew).ToList();
        foreach (var (ip, count) in used.OrderBy(u => IsNew(u.Value) ? 0 : 1))
        {
            var last = evidence.PriorSignIns.Where(l => l.Field("ip") == ip).Select(l => (DateTimeOffset?)l.At).Max();
            var first = firstSeen[ip];
            var standing = last is { } seen ? $"known: {user} signed in from it before, last at {UtcText.Millis(seen)}"
                : !IsNew(ip) ? $"known: {user} has used it since {UtcText.Millis(first)}, the start of {user}'s lines in reach"
                : $"new: first seen at {UtcText.Millis(first)}" + (evidence.WindowStart > first ? $", {Span(evidence.WindowStart - first)} before the window" : ", inside the window")
                    + $"; no sign-in of {user} came from it in the {evidence.LookbackDays} days before";
            findings.Add(Finding.Direct(InvestigationStep.Who,
                string.Create(CultureInfo.InvariantCulture, $"{ip}: {count:N0} line(s) of {user}; ") + standing,
                $"the ip field of {user}'s lines against {user}'s sign-ins in the {evidence.LookbackDays} days before and the address's first line",
                new Evidence(EvidenceSource.ApplicationLog, evidence.PriorQuery, $"{evidence.PriorSignIns.Count} sign-in(s) before, from: {string.Join(", ", known.Order(StringComparer.Ordinal))}", now)));
        }

        if (used.Count == 0)
        {
            unknowns.Add(new Unknown(InvestigationStep.Who, "the addresses behind the actions", "the lines carry no ip field"));
        }

        var agents = LineFacts.Top(lines, "user_agent", 3);
        if (agents.Count > 0)
        {
            findings.Add(Finding.Direct(InvestigationStep.Who, $"Browsers: {LineFacts.List(agents)}", "the user_agent field of the frontend lines",
                new Evidence(EvidenceSource.ApplicationLog, evidence.LinesQuery, LineFacts.List(agents), now)));
        }

        // The sequence: what came from a new address, credential changes and removals, in order; the account's routine
        // from its known addresses is counted apart, so the few lines that matter are not buried.
        var keyLines = lines.Where(l => l.Field("action") is { } a && (a is "LOGIN" or "LOGIN_FAILED" || CredentialActions.Contains(a) || a == "DELETE")).ToList();
        bool Notable(RequestLine l) => CredentialActions.Contains(l.Field("action")!) || l.Field("ip") is not { } ip || IsNew(ip);
        var timeline = keyLines.Where(Notable).Select(l => (l.At, Finding: Finding.Direct(InvestigationStep.Why,
                $"{UtcText.Millis(l.At)}: {l.Field("action")} {(l.Field("path") is { } p ? $"({l.Field("method")} {p}) " : "")}from {l.Field("ip") ?? "an unknown address"}"
                    + (l.Field("ip") is { } ip && IsNew(ip) ? " (new address)" : ""),
                "the account's own log line", new Evidence(EvidenceSource.ApplicationLog, evidence.LinesQuery, l.Line, now)) with { CorrelationId = l.Field("correlation_id"), TraceId = l.Field("trace_id") }))
            .Concat(evidence.Statements.Where(s => s.Removes || s.Changes).Where(s => s.AppClientIp is not { } ip || IsNew(ip) || s.Removes && s.Rows > 1)
                .Select(s => (At: s.StatementAt, Finding: Finding.Direct(InvestigationStep.Why,
                    string.Create(CultureInfo.InvariantCulture, $"{UtcText.Millis(s.StatementAt)}: {s.Action} on {s.QualifiedTable} {(s.Removes ? "removed" : "changed")} {s.Rows:N0} row(s) as {user}")
                        + (s.AppClientIp is { } from ? $" from {from}" : "") + (s.RequestPath is { } path ? $" ({path})" : ""),
                    "the audit row of the statement", Evidence.Of(s, now)) with { CorrelationId = s.CorrelationId })))
            .OrderBy(t => t.At)
            .Select(t => t.Finding);
        findings.AddRange(timeline);
        var routine = keyLines.Count(l => !Notable(l));
        if (routine > 0)
        {
            findings.Add(Finding.Direct(InvestigationStep.Why,
                string.Create(CultureInfo.InvariantCulture, $"Plus {routine:N0} routine sign-in(s) and delete(s) of {user} from known addresses ({string.Join(", ", used.Select(u => u.Value).Where(ip => !IsNew(ip)))})"),
                "the account's own log lines", new Evidence(EvidenceSource.ApplicationLog, evidence.LinesQuery, $"{routine} line(s)", now)));
        }

        var newSignIn = keyLines.FirstOrDefault(l => l.Field("action") == "LOGIN" && l.Field("ip") is { } ip && IsNew(ip));
        var takeover = newSignIn is null ? null : keyLines.FirstOrDefault(l => l.At >= newSignIn.At && CredentialActions.Contains(l.Field("action")!));
        var guessed = newSignIn is null ? [] : keyLines.Where(l => l.Field("action") == "LOGIN_FAILED" && l.Field("ip") == newSignIn.Field("ip") && l.At <= newSignIn.At).ToList();
        if (newSignIn is not null && guessed.Count > 0)
        {
            findings.Add(Finding.Inferred(InvestigationStep.Why,
                string.Create(CultureInfo.InvariantCulture, $"This has the shape of a guessed password: {guessed.Count:N0} failed sign-in(s) of {user} from {newSignIn.Field("ip")} from {UtcText.Millis(guessed[0].At)}, then a successful sign-in from it at {UtcText.Millis(newSignIn.At)}"),
                "failed sign-ins from one new address ending in a successful one; the owner retrying a forgotten password from a new network would look the same, so ask them",
                0.8, new Evidence(EvidenceSource.ApplicationLog, evidence.LinesQuery, string.Join("\n", guessed.Take(5).Append(newSignIn).Select(l => l.Line)), now)));
        }

        if (newSignIn is not null && takeover is not null)
        {
            var removals = evidence.Statements.Where(s => s.Removes && s.StatementAt >= newSignIn.At).ToList();
            findings.Add(Finding.Inferred(InvestigationStep.Why,
                $"This has the shape of an account takeover: a sign-in from the new address {newSignIn.Field("ip")} at {UtcText.Millis(newSignIn.At)}, then {takeover.Field("action")} at {UtcText.Millis(takeover.At)}"
                    + (removals.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $", then {removals.Sum(s => s.Rows):N0} row(s) removed") : ""),
                "the order of the events and the address being new for this account; the owner on a new network would look the same, so ask them",
                0.7, new Evidence(EvidenceSource.ApplicationLog, evidence.LinesQuery, newSignIn.Line + "\n" + takeover.Line, now)));
        }
        else if (guessed.Count == 0 && keyLines.Any(l => l.Field("action") == "LOGIN"))
        {
            unknowns.Add(new Unknown(InvestigationStep.Why, "whether someone else used the account",
                "the sign-ins came from addresses the account used before and no credential change followed one from a new address: a takeover is not indicated, a mistake or the owner is likelier"));
        }

        return (new InvestigationResult(findings, unknowns), LogPrevention.ForAccount(user, fresh));
    }

}
