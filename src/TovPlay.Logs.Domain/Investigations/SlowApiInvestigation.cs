using System.Globalization;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>What a slow API is investigated from: the requests in the window and in as long a window before, and the change lines around.</summary>
public sealed record SlowApiEvidence(
    DateTimeOffset Start, DateTimeOffset End, string? Path,
    IReadOnlyList<RequestLine> Requests, string RequestsQuery,
    IReadOnlyList<RequestLine> Baseline,
    IReadOnlyList<RequestLine> Changes, string ChangesQuery);

/// <summary>
/// "An endpoint got slow": WHAT (which paths' 95th percentile rose, from what to what), WHO (whose requests were
/// slowest), WHY/HOW (the slowest requests with their traces, errors on those paths, the change before the shift),
/// PREVENT (a latency alert on the path, what to compare).
/// </summary>
public static class SlowApiInvestigation
{
    /// <summary>How much slower a path's p95 must be to count as slowed down.</summary>
    public const double SlowerBy = 1.5;

    public static (InvestigationResult Result, IReadOnlyList<Recommendation> Recommendations) Analyse(SlowApiEvidence evidence, DateTimeOffset now)
    {
        var findings = new List<Finding>();
        var unknowns = new List<Unknown>();
        var timed = evidence.Requests.Where(l => LineFacts.Duration(l) is not null && l.Field("path") is not null).ToList();
        if (timed.Count == 0)
        {
            unknowns.Add(new Unknown(InvestigationStep.What, "which endpoint is slow",
                "no request line with a path and duration_ms was found in the window: the window may be wrong, or the backend does not log its request times"));
            return (new InvestigationResult(findings, unknowns), []);
        }

        var before = evidence.Baseline.Where(l => LineFacts.Duration(l) is not null && l.Field("path") is not null)
            .GroupBy(l => l.Field("path")!).ToDictionary(g => g.Key, g => LineFacts.Percentile(g.Select(l => LineFacts.Duration(l)!.Value), 0.95));
        var paths = timed.GroupBy(l => l.Field("path")!)
            .Select(g => (Path: g.Key, Count: g.Count(), P95: LineFacts.Percentile(g.Select(l => LineFacts.Duration(l)!.Value), 0.95)!.Value, Before: before.GetValueOrDefault(g.Key)))
            .OrderByDescending(p => p.Before is { } b && b > 0 ? p.P95 / b : p.P95)
            .ToList();
        var slowed = paths.Where(p => p.Before is { } b && b > 0 && p.P95 >= b * SlowerBy).ToList();
        foreach (var path in paths.Take(5))
        {
            findings.Add(Finding.Direct(InvestigationStep.What,
                string.Create(CultureInfo.InvariantCulture, $"{path.Path}: 95th percentile {path.P95:0} ms over {path.Count:N0} request(s)")
                    + (path.Before is { } b ? string.Create(CultureInfo.InvariantCulture, $", against {b:0} ms in as long a window before ({path.P95 / Math.Max(1, b):0.#}x)") : ", no request to it in the window before"),
                "duration_ms of the request lines, per path, in the window and before it",
                new Evidence(EvidenceSource.ApplicationLog, evidence.RequestsQuery, string.Create(CultureInfo.InvariantCulture, $"{path.Path}\tp95 {path.P95:0} ms\t{path.Count} requests"), now)));
        }

        if (slowed.Count == 0)
        {
            unknowns.Add(new Unknown(InvestigationStep.What, "a path that got slower",
                string.Create(CultureInfo.InvariantCulture, $"no path's 95th percentile is {SlowerBy}x its level in the window before: the slowness may be everywhere (compare a wider window) or began before it")));
        }

        var worstPath = (slowed.Count > 0 ? slowed[0] : paths[0]).Path;
        var slowest = timed.Where(l => l.Field("path") == worstPath).OrderByDescending(l => LineFacts.Duration(l)).Take(3).ToList();
        var slowLimit = LineFacts.Duration(slowest[^1]);
        var users = LineFacts.Top(timed.Where(l => l.Field("path") == worstPath && LineFacts.Duration(l) >= slowLimit), "username");
        var allUsers = LineFacts.Top(timed.Where(l => l.Field("path") == worstPath), "username");
        if (allUsers.Count > 0)
        {
            findings.Add(Finding.Direct(InvestigationStep.Who,
                $"Users calling {worstPath} in the window: {LineFacts.List(allUsers)}" + (users.Count > 0 ? $"; the slowest requests were for {LineFacts.List(users)}" : ""),
                "the username field of the request lines", new Evidence(EvidenceSource.ApplicationLog, evidence.RequestsQuery, LineFacts.List(allUsers), now)));
        }
        else
        {
            unknowns.Add(new Unknown(InvestigationStep.Who, "whose requests were slow", "the request lines carry no username"));
        }

        foreach (var line in slowest)
        {
            findings.Add(Finding.Direct(InvestigationStep.Why,
                string.Create(CultureInfo.InvariantCulture, $"Slow request at {UtcText.Millis(line.At)}: {line.Describe()} took {LineFacts.Duration(line):0} ms") + (line.Field("username") is { } u ? $" for {u}" : ""),
                "one of the slowest request lines of the path; its trace shows where the time went", new Evidence(EvidenceSource.ApplicationLog, evidence.RequestsQuery, line.Line, now)) with
            {
                TraceId = line.Field("trace_id"),
                CorrelationId = line.Field("correlation_id"),
            });
        }

        if (slowest.All(l => l.Field("trace_id") is null))
        {
            unknowns.Add(new Unknown(InvestigationStep.Why, "where the time went inside the request", "the request lines carry no trace_id, so there is no trace to open"));
        }

        LineFacts.Changes(evidence.Changes, evidence.Start, evidence.ChangesQuery, now, findings, unknowns);
        var worst = paths.First(p => p.Path == worstPath);
        return (new InvestigationResult(findings, unknowns), LogPrevention.ForSlowApi(worstPath, worst.Before ?? worst.P95 / SlowerBy, worst.P95));
    }
}
