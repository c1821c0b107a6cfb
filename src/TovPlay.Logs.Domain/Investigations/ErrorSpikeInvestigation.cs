using System.Globalization;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>
/// What an error spike is investigated from: the error lines in the window, the same kind of lines in as long a
/// window just before (the baseline), and the services' change lines (deploys, restarts) from before the window on.
/// Each list comes with the query that read it, for the evidence.
/// </summary>
public sealed record ErrorEvidence(
    DateTimeOffset Start, DateTimeOffset End, string? Path,
    IReadOnlyList<RequestLine> Errors, string ErrorsQuery,
    IReadOnlyList<RequestLine> Baseline,
    IReadOnlyList<RequestLine> Changes, string ChangesQuery);

/// <summary>
/// "Errors jumped": WHAT (how many, which kinds, which are new against the baseline), WHO (the users, addresses and
/// services hit), WHY/HOW (the first occurrence of the main error with its stack trace and trace, and the change just
/// before it), and PREVENT (an alert on that error, the fix to look at).
/// </summary>
public static class ErrorSpikeInvestigation
{
    public const int GroupsShown = 5;

    /// <summary>How long before the window an error may start and still count as new.</summary>
    public static readonly TimeSpan BurstStart = TimeSpan.FromMinutes(1);

    public static (InvestigationResult Result, IReadOnlyList<Recommendation> Recommendations) Analyse(ErrorEvidence evidence, DateTimeOffset now)
    {
        var findings = new List<Finding>();
        var unknowns = new List<Unknown>();
        if (evidence.Errors.Count == 0)
        {
            unknowns.Add(new Unknown(InvestigationStep.What, "which errors",
                "no error line was found in the window: the window may be wrong, or the errors were not shipped (level=\"error\" on job tovplay-backend or tovplay-frontend)"));
            return (new InvestigationResult(findings, unknowns), []);
        }

        var groups = evidence.Errors.GroupBy(LineFacts.ErrorKey).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var baseline = evidence.Baseline.GroupBy(LineFacts.ErrorKey).ToDictionary(g => g.Key, g => g.ToList());
        var minutes = Math.Max(1, (evidence.End - evidence.Start).TotalMinutes);
        findings.Add(Finding.Direct(InvestigationStep.What,
            string.Create(CultureInfo.InvariantCulture,
                $"{evidence.Errors.Count:N0} error line(s) from {UtcText.Millis(evidence.Start)} to {UtcText.Millis(evidence.End)} ({evidence.Errors.Count / minutes:0.#} per minute), against {evidence.Baseline.Count:N0} in as long a window before; {groups.Count:N0} kind(s)"),
            "the error lines in the window and just before it, counted", new Evidence(EvidenceSource.ApplicationLog, evidence.ErrorsQuery, $"{evidence.Errors.Count} lines", now)));
        foreach (var group in groups.Take(GroupsShown))
        {
            var before = baseline.GetValueOrDefault(group.Key) ?? [];
            var first = group.OrderBy(l => l.At).First();
            // A burst rarely starts on the window's edge: occurrences in the minute before it are its start, not its past.
            var past = before.Count(l => l.At < evidence.Start - BurstStart);
            var firstSeen = before.Count > 0 ? before.Min(l => l.At) : first.At;
            findings.Add(Finding.Direct(InvestigationStep.What,
                string.Create(CultureInfo.InvariantCulture, $"{group.Key}: {group.Count():N0} time(s) in the window")
                    + (past == 0 ? $"; new: first seen at {UtcText.Millis(firstSeen)}" : string.Create(CultureInfo.InvariantCulture, $"; {before.Count:N0} time(s) in as long a window before")),
                "error lines grouped by type, message (numbers blanked) and path", new Evidence(EvidenceSource.ApplicationLog, evidence.ErrorsQuery, first.Line, now)) with
            {
                TraceId = first.Field("trace_id"),
                CorrelationId = first.Field("correlation_id"),
            });
        }

        var users = LineFacts.Top(evidence.Errors, "username");
        var addresses = LineFacts.Top(evidence.Errors, "ip");
        var services = LineFacts.Top(evidence.Errors, "service");
        var distinctUsers = evidence.Errors.Select(l => l.Field("username")).OfType<string>().Distinct().Count();
        if (users.Count > 0)
        {
            findings.Add(Finding.Direct(InvestigationStep.Who,
                string.Create(CultureInfo.InvariantCulture, $"{distinctUsers:N0} user(s) hit errors; most: {LineFacts.List(users)}"),
                "the username field of the error lines", new Evidence(EvidenceSource.ApplicationLog, evidence.ErrorsQuery, LineFacts.List(users), now)));
        }
        else
        {
            unknowns.Add(new Unknown(InvestigationStep.Who, "which users were hit", "the error lines carry no username (errors before sign-in, or a service that does not log one)"));
        }

        if (addresses.Count > 0)
        {
            findings.Add(Finding.Direct(InvestigationStep.Who, $"From addresses: {LineFacts.List(addresses)}",
                "the ip field of the error lines", new Evidence(EvidenceSource.ApplicationLog, evidence.ErrorsQuery, LineFacts.List(addresses), now)));
        }

        if (services.Count > 0 || evidence.Errors.Any(l => l.Job.Length > 0))
        {
            var jobs = services.Count > 0 ? services : [.. evidence.Errors.GroupBy(l => l.Job).OrderByDescending(g => g.Count()).Select(g => (g.Key, g.Count()))];
            findings.Add(Finding.Direct(InvestigationStep.Who, $"Services reporting them: {LineFacts.List(jobs)}",
                "the service (or job) of the error lines", new Evidence(EvidenceSource.ApplicationLog, evidence.ErrorsQuery, LineFacts.List(jobs), now)));
        }

        var main = groups[0].OrderBy(l => l.At).First();
        var evidenceOfFirst = LineFacts.EvidenceOf(main, evidence.ErrorsQuery, now);
        if (main.Field("error_stack") is null)
        {
            unknowns.Add(new Unknown(InvestigationStep.Why, "where in the code the main error starts", "its lines carry no error.stack"));
        }

        findings.Add(new Finding(InvestigationStep.Why,
            $"The main error first occurred at {UtcText.Millis(main.At)}: {main.Describe()}" + (main.Field("username") is { } u ? $" for {u}" : ""),
            FindingBasis.Direct, "the earliest line of the most frequent error", evidenceOfFirst)
        {
            TraceId = main.Field("trace_id"),
            CorrelationId = main.Field("correlation_id"),
        });
        LineFacts.Changes(evidence.Changes, evidence.Start, evidence.ChangesQuery, now, findings, unknowns);
        return (new InvestigationResult(findings, unknowns), LogPrevention.ForErrors(groups[0].Key, groups[0].Count(), evidence.End - evidence.Start, evidence.Path, main));
    }
}
