using System.Globalization;
using System.Text.RegularExpressions;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>What the log-based scenarios read off application lines: error groups, changes such as deploys, timings.</summary>
public static partial class LineFacts
{
    /// <summary>An error's identity across lines: its type and message with numbers and ids blanked, and its path.</summary>
    public static string ErrorKey(RequestLine line)
    {
        var type = line.Field("error_type");
        var message = line.Field("error_message") ?? line.Field("msg") ?? "";
        var path = line.Field("path");
        return $"{type ?? "error"}: {Numbers().Replace(message, "N")}" + (path is null ? "" : $" at {Numbers().Replace(path, "N")}");
    }

    /// <summary>
    /// The application's lines whose message may tell a change (<see cref="IsChange"/> decides). The message alone is
    /// searched: "Version/18.1" in a browser's user agent or "job started" of a worker are not changes, and on a busy
    /// service they would fill the read's limit before the deploy line is reached.
    /// </summary>
    public static string ChangesQuery => ActivityQueries.ApplicationLines
        .MatchesRegex("\"msg\":\\s*\"[^\"]*(?i:deploy|release|version|start|migrat|config)").ToString();

    /// <summary>How long before a window the change lines are looked for.</summary>
    public static readonly TimeSpan ChangesLookback = TimeSpan.FromMinutes(30);

    /// <summary>A deploy, a restart, a migration or a configuration change: what usually explains a shift in behaviour.</summary>
    public static bool IsChange(RequestLine line) =>
        (line.Field("msg") ?? line.Field("action") ?? line.Line) is { } text && Change().IsMatch(text);

    /// <summary>A line as evidence, with its stack trace beside it when it carries one (error.stack).</summary>
    public static List<Evidence> EvidenceOf(RequestLine line, string query, DateTimeOffset now)
    {
        var evidence = new List<Evidence> { new(EvidenceSource.ApplicationLog, query, line.Line, now) };
        if (line.Field("error_stack") is { } stack)
        {
            evidence.Add(new Evidence(EvidenceSource.StackTrace, "error.stack of the line above", stack, now));
        }

        return evidence;
    }

    public static double? Duration(RequestLine line) =>
        line.Field("duration_ms") is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) ? ms : null;

    /// <summary>The nearest-rank percentile (0 to 1) of the values; null for none.</summary>
    public static double? Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Distinct non-empty values of a field, most frequent first, with their counts.</summary>
    public static IReadOnlyList<(string Value, int Count)> Top(IEnumerable<RequestLine> lines, string field, int take = 5) =>
        [.. lines.Select(l => l.Field(field)).OfType<string>().GroupBy(v => v).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(take).Select(g => (g.Key, g.Count()))];

    public static string List(IReadOnlyList<(string Value, int Count)> top) =>
        string.Join(", ", top.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Value} ({t.Count:N0})")));

    /// <summary>The findings a change line gives, or the unknown when none was logged around the window.</summary>
    public static void Changes(IReadOnlyList<RequestLine> changes, DateTimeOffset windowStart, string query, DateTimeOffset now, List<Finding> findings, List<Unknown> unknowns)
    {
        var before = changes.Where(IsChange).OrderBy(l => l.At).ToList();
        if (before.Count == 0)
        {
            unknowns.Add(new Unknown(InvestigationStep.Why, "what changed just before",
                "no deploy, restart, migration or configuration change was logged in the 30 minutes before the window (the backend logs one at start-up, if it is configured to)"));
            return;
        }

        foreach (var line in before.TakeLast(3))
        {
            var lead = windowStart - line.At;
            findings.Add(Finding.Direct(InvestigationStep.Why,
                $"{(lead > TimeSpan.Zero ? $"{Minutes(lead)} before the window" : "Inside the window")}, at {UtcText.Millis(line.At)}: {line.Describe()}" + (line.Field("version") is { } v ? $" (version {v})" : ""),
                "a change logged by the service itself", new Evidence(EvidenceSource.ApplicationLog, query, line.Line, now)) with { TraceId = line.Field("trace_id") });
        }
    }

    private static string Minutes(TimeSpan span) => span.TotalMinutes >= 1
        ? span.TotalMinutes.ToString("0", CultureInfo.InvariantCulture) + " min"
        : span.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s";

    [GeneratedRegex(@"\d+")]
    private static partial Regex Numbers();

    [GeneratedRegex(@"(?i)\b(deploy(ed|ing|ment)?|release[d]?|version|restart(ed|ing)?|migrat(e|ed|ion|ing)|config(uration)? (change|changed|reload|reloaded)"
        + @"|(server|service|backend|frontend|worker|app|application|process|instance) start(ed|ing)?|start(ed|ing)? (the )?(server|service|backend|frontend|worker|app|application|process|instance))\b")]
    private static partial Regex Change();
}
