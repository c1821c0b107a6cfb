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

    /// <summary>The end-user addresses (tovplay.client_ip) the audit trail saw the account change data from before <see cref="Start"/>.</summary>
    public IReadOnlyList<UsedAddress> PriorAddresses { get; init; } = [];

    /// <summary>The audit query behind <see cref="PriorAddresses"/>, for evidence.</summary>
    public string PriorAddressesQuery { get; init; } = "";

    /// <summary>When the audit trail began: it knows no address from before.</summary>
    public DateTimeOffset? TrailSince { get; init; }

    /// <summary>What the account's UPDATEs did to their rows, by statement id: which of them changed credentials.</summary>
    public IReadOnlyDictionary<long, IReadOnlyList<RowChange>> Changes { get; init; } = new Dictionary<long, IReadOnlyList<RowChange>>();

    public CredentialColumns Credentials { get; init; } = CredentialColumns.Default;

    /// <summary>Every account's failed sign-ins in reach (the backend's LOGIN_FAILED lines), to tell one address guessing across accounts.</summary>
    public IReadOnlyList<RequestLine> FailedSignIns { get; init; } = [];

    /// <summary>The query behind <see cref="FailedSignIns"/>, for evidence.</summary>
    public string FailedSignInsQuery { get; init; } = "";
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

    /// <summary>Where an address was seen for the account: a log line's ip field, or an audited change's tovplay.client_ip.</summary>
    private sealed record Sighting(DateTimeOffset At, string Address, bool Audited);

    /// <summary>An UPDATE of the account that changed credential columns, with what it changed.</summary>
    private sealed record CredentialChange(AuditStatement Statement, IReadOnlyList<ColumnOverwrite> Columns)
    {
        public string Names => string.Join(" and ", Columns.Select(c => c.Column));
    }

    public static (InvestigationResult Result, IReadOnlyList<Recommendation> Recommendations) Analyse(AccountEvidence evidence, DateTimeOffset now)
    {
        var findings = new List<Finding>();
        var unknowns = new List<Unknown>();
        var user = evidence.Username;
        var lines = evidence.Lines.OrderBy(l => l.At).ToList();
        var statements = evidence.Statements.OrderBy(s => s.Id).ToList();
        if (lines.Count == 0 && statements.Count == 0)
        {
            unknowns.Add(new Unknown(InvestigationStep.What, $"what {user} did",
                "no log line carries this username in the window and the audit trail holds no change made as it: check the spelling, or widen the window"));
            return (new InvestigationResult(findings, unknowns), LogPrevention.ForAccount(user, []));
        }

        var actions = LineFacts.Top(lines, "action", 20);
        if (actions.Count > 0)
        {
            findings.Add(Finding.Direct(InvestigationStep.What, $"{user}'s actions from {UtcText.Millis(evidence.Start)} (the hour before the window read too): {LineFacts.List(actions)}",
                "the action field of the lines with this username", new Evidence(EvidenceSource.ApplicationLog, evidence.LinesQuery, LineFacts.List(actions), now)));
        }

        // Credential changes are told one by one, with what changed; the account's other changes are summed per table and action.
        var credentials = statements.Where(s => s.Changes && evidence.Changes.TryGetValue(s.Id, out _))
            .Select(s => new CredentialChange(s, [.. ColumnOverwrite.Of(evidence.Changes[s.Id], evidence.Credentials).Where(c => evidence.Credentials.IsCredential(c.Column))]))
            .Where(c => c.Columns.Count > 0)
            .ToList();
        var credentialIds = credentials.Select(c => c.Statement.Id).ToHashSet();
        foreach (var change in credentials)
        {
            var s = change.Statement;
            findings.Add(Finding.Direct(InvestigationStep.What,
                $"As {user}, credentials changed at {UtcText.Millis(s.StatementAt)}: {s.QualifiedTable}'s " + string.Join("; ", change.Columns.Select(c => c.Describe()))
                    + (s.AppClientIp is { } from ? $"; from {from}" : "") + $" ({WipeInvestigation.Context(s)})",
                "the audit row of the UPDATE and the row images its trigger kept; credential columns are known by name (Investigations:CredentialColumns)", Evidence.Of(s, now)));
        }

        foreach (var group in statements.Where(s => !credentialIds.Contains(s.Id)).GroupBy(s => (s.QualifiedTable, s.Action)).OrderByDescending(g => g.Sum(s => s.Rows)))
        {
            var columns = group.Where(s => evidence.Changes.ContainsKey(s.Id)).SelectMany(s => ColumnOverwrite.Of(evidence.Changes[s.Id], evidence.Credentials)).Select(c => c.Column).Distinct().ToList();
            findings.Add(Finding.Direct(InvestigationStep.What,
                string.Create(CultureInfo.InvariantCulture, $"As {user}, {group.Key.Action} on {group.Key.QualifiedTable}: {group.Count():N0} statement(s), {group.Sum(s => s.Rows):N0} row(s)")
                    + (columns.Count > 0 ? $", changing {string.Join(", ", columns)}" : ""),
                "audit rows carrying the application user in tovplay.username or tovplay.user_id", Evidence.Of(group.First(), now)));
        }

        // Addresses: from the lines' ip field and from the end-user address the application put on each audited change.
        // Known: used for sign-ins or changes before the lead-up, or in use from the start of what is in reach; new: neither.
        var sightings = lines.Where(l => l.Field("ip") is not null).Select(l => new Sighting(l.At, l.Field("ip")!, false))
            .Concat(statements.Where(s => s.AppClientIp is not null).Select(s => new Sighting(s.StatementAt, s.AppClientIp!, true)))
            .ToList();
        var known = evidence.PriorSignIns.Select(l => l.Field("ip")).OfType<string>().Concat(evidence.PriorAddresses.Select(a => a.Address)).ToHashSet(StringComparer.Ordinal);
        var firstSeen = sightings.GroupBy(x => x.Address).ToDictionary(g => g.Key, g => g.Min(x => x.At), StringComparer.Ordinal);
        var earliest = firstSeen.Count > 0 ? firstSeen.Values.Min() : evidence.Start;
        bool IsNew(string ip) => !known.Contains(ip) && firstSeen.TryGetValue(ip, out var first) && (known.Count > 0 || first - earliest >= Established);
        // With no address on record before and none arriving well after the first, nothing tells the owner's from another's.
        var compared = known.Count > 0 || firstSeen.Values.Any(f => f - earliest >= Established);
        // An address that failed to sign in to several accounts was guessing passwords, whether or not it is new for this one.
        var spraying = firstSeen.Keys
            .Select(ip => (Address: ip, Tries: evidence.FailedSignIns.Where(l => l.Field("ip") == ip).OrderBy(l => l.At).ToList()))
            .Where(t => t.Tries.Select(l => l.Field("username")).OfType<string>().Distinct(StringComparer.Ordinal).Count() > 1)
            .ToDictionary(t => t.Address, t => t.Tries, StringComparer.Ordinal);
        bool Suspect(string ip) => IsNew(ip) || spraying.ContainsKey(ip);
        var used = sightings.GroupBy(x => x.Address)
            .Select(g => (Address: g.Key, Lines: g.Count(x => !x.Audited), Changes: g.Count(x => x.Audited)))
            .OrderBy(u => Suspect(u.Address) ? 0 : 1).ThenByDescending(u => u.Lines + u.Changes).ThenBy(u => u.Address, StringComparer.Ordinal)
            .Take(10)
            .ToList();
        var fresh = used.Select(u => u.Address).Where(Suspect).ToList();
        // What "before" covers: the lookback up to the hour read; the audit trail only from when it began, which may be later.
        var before = UtcText.Millis(evidence.Start);
        var history = evidence.TrailSince is { } since && since >= evidence.Start
            ? $"(the audit trail began only at {UtcText.Millis(since)}, after that: it holds no earlier change to compare)"
            : evidence.TrailSince is { } began && evidence.Start - began < TimeSpan.FromDays(evidence.LookbackDays)
                ? $"between the audit trail's start at {UtcText.Millis(began)} and {before}"
                : $"in the {evidence.LookbackDays} days before {before}";
        foreach (var (ip, lineCount, changeCount) in used)
        {
            var lastSignIn = evidence.PriorSignIns.Where(l => l.Field("ip") == ip).Select(l => (DateTimeOffset?)l.At).Max();
            var lastChange = evidence.PriorAddresses.FirstOrDefault(a => a.Address == ip)?.Last;
            var first = firstSeen[ip];
            var standing = lastSignIn is { } seen ? $"known: {user} signed in from it before {before}, the last time at {UtcText.Millis(seen)}"
                : lastChange is { } changed ? $"known: {user} changed data from it before {before}, the last time at {UtcText.Millis(changed)}"
                : !IsNew(ip) ? (!compared
                    ? used.Count == 1
                        ? $"the only address {user} used in reach, and none is on record before: nothing to compare it with"
                        : $"in use from the start of {user}'s activity in reach, and no address of {user} is on record before: nothing to compare it with"
                    : $"known: {user} has used it since {UtcText.Millis(first)}, the start of {user}'s activity in reach")
                : $"new: first seen at {UtcText.Millis(first)}" + (evidence.WindowStart > first ? $", {Span(evidence.WindowStart - first)} before the window" : ", inside the window")
                    + $"; no sign-in of {user} came from it in the {evidence.LookbackDays} days before {before}, and no audited change {history}";
            var counted = string.Join(" and ", new[]
            {
                lineCount > 0 ? string.Create(CultureInfo.InvariantCulture, $"{lineCount:N0} line(s)") : null,
                changeCount > 0 ? string.Create(CultureInfo.InvariantCulture, $"{changeCount:N0} audited change(s)") : null,
            }.OfType<string>());
            var sources = (lineCount > 0 ? [new Evidence(EvidenceSource.ApplicationLog, evidence.PriorQuery,
                    $"{evidence.PriorSignIns.Count} sign-in(s) before, from: {string.Join(", ", evidence.PriorSignIns.Select(l => l.Field("ip")).OfType<string>().Distinct().Order(StringComparer.Ordinal))}", now)] : Array.Empty<Evidence>())
                .Concat(changeCount > 0 || lastChange is not null ? [new Evidence(EvidenceSource.AuditTrail, evidence.PriorAddressesQuery,
                    evidence.PriorAddresses.Count == 0 ? "(no rows)" : string.Join("\n", evidence.PriorAddresses.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Address}\t{a.Statements}\t{UtcText.Millis(a.Last)}"))), now)] : [])
                .ToArray();
            findings.Add(Finding.Direct(InvestigationStep.Who, $"{ip}: {counted} of {user}; {standing}",
                $"the addresses of {user}'s lines (ip) and audited changes (tovplay.client_ip) against its sign-ins and changes before", sources));
        }

        foreach (var ip in fresh.Where(spraying.ContainsKey))
        {
            var tries = spraying[ip];
            var accounts = tries.Select(l => l.Field("username")).OfType<string>().Distinct(StringComparer.Ordinal).Count();
            {
                findings.Add(Finding.Direct(InvestigationStep.Who,
                    string.Create(CultureInfo.InvariantCulture, $"{ip} failed to sign in {tries.Count:N0} time(s) to {accounts:N0} account(s) between {UtcText.Millis(tries[0].At)} and {UtcText.Millis(tries[^1].At)}")
                        + $", not to {user}'s alone: it was trying passwords across accounts",
                    "every account's failed sign-ins (LOGIN_FAILED) in reach, by address",
                    new Evidence(EvidenceSource.ApplicationLog, evidence.FailedSignInsQuery, string.Join("\n", tries.Take(10).Select(l => l.Line)), now)));
            }
        }

        if (used.Count == 0)
        {
            unknowns.Add(new Unknown(InvestigationStep.Who, "the addresses behind the actions",
                "neither the lines (no ip field) nor the audited changes (no tovplay.client_ip) carry an address"));
        }

        var agents = LineFacts.Top(lines, "user_agent", 3);
        if (agents.Count > 0)
        {
            findings.Add(Finding.Direct(InvestigationStep.Who, $"Browsers: {LineFacts.List(agents)}", "the user_agent field of the frontend lines",
                new Evidence(EvidenceSource.ApplicationLog, evidence.LinesQuery, LineFacts.List(agents), now)));
        }

        // The sequence: what came from a new address, credential changes and removals, in order; the account's routine
        // from its known addresses is counted apart, so the few lines that matter are not buried.
        string Label(string ip) => IsNew(ip) ? " (new address)" : spraying.ContainsKey(ip) ? " (guessing passwords across accounts)" : "";
        var keyLines = lines.Where(l => l.Field("action") is { } a && (a is "LOGIN" or "LOGIN_FAILED" || CredentialActions.Contains(a) || a == "DELETE")).ToList();
        bool Notable(RequestLine l) => CredentialActions.Contains(l.Field("action")!) || l.Field("ip") is not { } ip || Suspect(ip);
        // What came from a new address (or from none known) is the incident's; the account's changes from its own addresses are its routine.
        bool NotableChange(AuditStatement s) => credentialIds.Contains(s.Id) || (s.AppClientIp is { } ip ? Suspect(ip) : s.Removes);
        var timeline = keyLines.Where(Notable).Select(l => (l.At, Finding: Finding.Direct(InvestigationStep.Why,
                $"{UtcText.Millis(l.At)}: {l.Field("action")} {(l.Field("path") is { } p ? $"({l.Field("method")} {p}) " : "")}from {l.Field("ip") ?? "an address the line does not give"}"
                    + (l.Field("ip") is { } ip ? Label(ip) : ""),
                "the account's own log line", new Evidence(EvidenceSource.ApplicationLog, evidence.LinesQuery, l.Line, now)) with { CorrelationId = l.Field("correlation_id"), TraceId = l.Field("trace_id") }))
            .Concat(statements.Where(s => (s.Removes || s.Changes) && NotableChange(s))
                .Select(s => (At: s.StatementAt, Finding: Finding.Direct(InvestigationStep.Why,
                    $"{UtcText.Millis(s.StatementAt)}: " + (credentials.FirstOrDefault(c => c.Statement == s) is { } change
                        ? $"{s.QualifiedTable}'s {change.Names} changed as {user}"
                        : string.Create(CultureInfo.InvariantCulture, $"{s.Action} on {s.QualifiedTable} {(s.Removes ? "removed" : "changed")} {s.Rows:N0} row(s) as {user}"))
                        + (s.AppClientIp is { } from ? $" from {from}{Label(from)}" : "")
                        + (s.RequestPath is { } path ? $" through {path}" : "") + (s.CorrelationId is { } id ? $", correlation id {id}" : ""),
                    "the audit row of the statement", Evidence.Of(s, now)) with { CorrelationId = s.CorrelationId })))
            .OrderBy(t => t.At)
            .Select(t => t.Finding);
        findings.AddRange(timeline);
        var routineLines = keyLines.Count(l => !Notable(l));
        var routineChanges = statements.Count(s => (s.Removes || s.Changes) && !NotableChange(s));
        if (routineLines + routineChanges > 0)
        {
            // Routine only where there was something to compare with; else merely what did not stand out.
            var routine = compared ? "routine " : "";
            var parts = new[]
            {
                routineLines > 0 ? string.Create(CultureInfo.InvariantCulture, $"{routineLines:N0} {routine}sign-in(s) and delete(s)") : null,
                routineChanges > 0 ? string.Create(CultureInfo.InvariantCulture, $"{routineChanges:N0} {routine}audited change(s)") : null,
            }.OfType<string>();
            var from = string.Join(", ", used.Select(u => u.Address).Where(ip => !Suspect(ip)));
            findings.Add(Finding.Direct(InvestigationStep.Why,
                compared ? $"Plus {string.Join(" and ", parts)} of {user} from known addresses ({from})"
                    : $"Plus {string.Join(" and ", parts)} of {user} from addresses with nothing earlier to compare with ({from})",
                compared ? "the account's own log lines and audited changes from addresses it used before" : "the account's own log lines and audited changes from addresses neither new nor known",
                routineChanges > 0 ? [new Evidence(EvidenceSource.ApplicationLog, evidence.LinesQuery, $"{routineLines} line(s)", now), Evidence.Of(statements.First(s => (s.Removes || s.Changes) && !NotableChange(s)), now)]
                    : [new Evidence(EvidenceSource.ApplicationLog, evidence.LinesQuery, $"{routineLines} line(s)", now)]));
        }

        Verdict(evidence, keyLines, statements, credentials, new AddressStanding(IsNew, spraying.ContainsKey, compared), fresh, now, findings, unknowns);
        var guessing = fresh.Where(ip => evidence.FailedSignIns.Count(l => l.Field("ip") == ip) > 1).ToList();
        // RECOVER takes back what the timeline tells, not the account's routine (a sign-in's own last_login_at update).
        var incident = statements.Where(s => (s.Removes || s.Changes) && NotableChange(s)).Select(s => s.Id).ToList();
        return (new InvestigationResult(findings, unknowns) { Incident = incident }, LogPrevention.ForAccount(user, fresh, guessing));
    }

    /// <summary>
    /// The verdict, always said with its confidence: a takeover when credentials changed from a new address (stronger
    /// with removals after, or a guessed password before); someone else, possibly, when only changes came from one; the
    /// owner, likely, when everything came from addresses the account used before.
    /// </summary>
    private static void Verdict(
        AccountEvidence evidence, List<RequestLine> keyLines, List<AuditStatement> statements, List<CredentialChange> credentials, AddressStanding standing, List<string> fresh,
        DateTimeOffset now, List<Finding> findings, List<Unknown> unknowns)
    {
        var user = evidence.Username;
        var newSignIn = keyLines.FirstOrDefault(l => l.Field("action") == "LOGIN" && l.Field("ip") is { } ip && standing.Suspect(ip));
        var guessed = newSignIn is null ? [] : keyLines.Where(l => l.Field("action") == "LOGIN_FAILED" && l.Field("ip") == newSignIn.Field("ip") && l.At <= newSignIn.At).ToList();
        if (newSignIn is not null && guessed.Count > 0)
        {
            findings.Add(Finding.Inferred(InvestigationStep.Why,
                string.Create(CultureInfo.InvariantCulture, $"This has the shape of a guessed password: {guessed.Count:N0} failed sign-in(s) of {user} from {newSignIn.Field("ip")} from {UtcText.Millis(guessed[0].At)}, then a successful sign-in from it at {UtcText.Millis(newSignIn.At)}"),
                "failed sign-ins from one new address ending in a successful one; the owner retrying a forgotten password from a new network would look the same, so ask them",
                0.8, new Evidence(EvidenceSource.ApplicationLog, evidence.LinesQuery, string.Join("\n", guessed.Take(5).Append(newSignIn).Select(l => l.Line)), now)));
        }

        // A credential change from a new address: by a line (PASSWORD_CHANGE...) or by the audit trail (password_hash changed).
        var byLine = keyLines.FirstOrDefault(l => CredentialActions.Contains(l.Field("action")!) && (l.Field("ip") is { } ip ? standing.Suspect(ip) : newSignIn is not null && l.At >= newSignIn.At));
        var byAudit = credentials.FirstOrDefault(c => c.Statement.AppClientIp is { } ip && standing.Suspect(ip));
        var address = newSignIn?.Field("ip") ?? byAudit?.Statement.AppClientIp ?? byLine?.Field("ip");
        var since = newSignIn?.At ?? (byAudit is null ? byLine?.At : byLine is null ? byAudit.Statement.StatementAt : Min(byAudit.Statement.StatementAt, byLine.At));
        if (address is not null && since is { } start && (byLine is not null || byAudit is not null))
        {
            var removals = statements.Where(s => s.Removes && s.StatementAt >= start && (s.AppClientIp is not { } ip || ip == address)).ToList();
            var steps = new List<string>();
            if (newSignIn is not null)
            {
                steps.Add($"a sign-in from {standing.Describe(address)} at {UtcText.Millis(newSignIn.At)}");
            }

            if (byLine is not null)
            {
                steps.Add($"{byLine.Field("action")} at {UtcText.Millis(byLine.At)}");
            }

            if (byAudit is not null)
            {
                steps.Add($"{(newSignIn is null && byLine is null ? $"from {standing.Describe(address)}, " : "")}the account's {byAudit.Names} changed at {UtcText.Millis(byAudit.Statement.StatementAt)}");
            }

            if (removals.Count > 0)
            {
                steps.Add(string.Create(CultureInfo.InvariantCulture, $"{removals.Sum(s => s.Rows):N0} row(s) removed in {removals.Count:N0} statement(s) until {UtcText.Millis(removals.Max(s => s.StatementAt))}"));
            }

            var confidence = 0.7 + (removals.Count > 0 ? 0.1 : 0) + (guessed.Count > 0 ? 0.1 : 0);
            var shown = new List<Evidence>();
            if (newSignIn is not null || byLine is not null)
            {
                shown.Add(new Evidence(EvidenceSource.ApplicationLog, evidence.LinesQuery, string.Join("\n", new[] { newSignIn, byLine }.OfType<RequestLine>().Select(l => l.Line)), now));
            }

            if (byAudit is not null)
            {
                shown.Add(Evidence.Of(byAudit.Statement, now));
            }

            findings.Add(Finding.Inferred(InvestigationStep.Why,
                $"Verdict: {user} was probably taken over. This has the shape of an account takeover: {string.Join(", then ", steps)}",
                "the order of the events and the address being new for this account; the owner on a new network would look the same, so ask them",
                Math.Round(confidence, 2), [.. shown]));
            return;
        }

        var fromNew = statements.Where(s => (s.Removes || s.Changes) && s.AppClientIp is { } ip && standing.Suspect(ip)).ToList();
        if (fresh.Count > 0 && (fromNew.Count > 0 || newSignIn is not null))
        {
            findings.Add(Finding.Inferred(InvestigationStep.Why,
                $"Verdict: possibly someone else. {(newSignIn is not null ? $"A sign-in came from {standing.Describe(newSignIn.Field("ip")!)} at {UtcText.Millis(newSignIn.At)}" : $"Changes came from {standing.Describe(fromNew[0].AppClientIp!)}")}"
                    + string.Create(CultureInfo.InvariantCulture, $"{(fromNew.Count > 0 ? $" ({fromNew.Count:N0} audited change(s) from new addresses)" : "")}, but no credential changed")
                    + ": the owner on a new network would look the same, so ask them",
                "an address new for this account, with no change of password, email or other credential after it",
                guessed.Count > 0 ? 0.7 : 0.5,
                fromNew.Count > 0 ? Evidence.Of(fromNew[0], now) : new Evidence(EvidenceSource.ApplicationLog, evidence.LinesQuery, newSignIn!.Line, now)));
            return;
        }

        if (fresh.Count == 0 && !standing.Compared && (keyLines.Count > 0 || statements.Any(s => s.AppClientIp is not null)))
        {
            unknowns.Add(new Unknown(InvestigationStep.Why, "whether someone else used the account",
                $"no sign-in or change of {user} before {UtcText.Millis(evidence.Start)} is on record, and every address in reach was in use from the start of its activity: "
                    + "nothing tells the owner's addresses from another's; read further back (a longer lookback) or ask the owner"));
            return;
        }

        if (fresh.Count == 0 && (keyLines.Count > 0 || statements.Any(s => s.AppClientIp is not null)))
        {
            findings.Add(Finding.Inferred(InvestigationStep.Why,
                $"Verdict: probably {user} themself. Every sign-in and change came from addresses the account used before, and no credential changed from elsewhere",
                "no address new for this account, and no credential change from one; a takeover from the owner's own network or device would look the same",
                0.7, new Evidence(EvidenceSource.ApplicationLog, evidence.LinesQuery, $"{keyLines.Count} sign-in, delete and credential line(s)", now)));
            return;
        }

        unknowns.Add(new Unknown(InvestigationStep.Why, "whether someone else used the account",
            "neither the lines nor the audited changes tell where the account was used from, so a new address cannot be told from a known one"));
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>How the account's addresses stand: new for it, guessing across accounts, and whether anything earlier was there to compare with.</summary>
    private sealed record AddressStanding(Func<string, bool> IsNew, Func<string, bool> IsGuessing, bool Compared)
    {
        public bool Suspect(string ip) => IsNew(ip) || IsGuessing(ip);

        public string Describe(string ip) => IsNew(ip) ? $"the new address {ip}" : $"{ip} (guessing passwords across accounts)";
    }
}
