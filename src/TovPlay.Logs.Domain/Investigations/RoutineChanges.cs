using System.Globalization;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>
/// One kind of destructive statement the application makes (the same table, action, request path and role), counted
/// in the window and in the hour before it: how often, by how many users, how many rows at most.
/// </summary>
public sealed record ChangePattern(string Table, string Action, string Path, string Role, long InWindow, long Users, long RowsInWindow, long MaxRowsInWindow, long Before, long MaxRowsBefore);

/// <summary>
/// Tells the application's routine destruction (a player deleting their oldest game, a job closing stale lobbies) from
/// the incident beside it, so an answer follows the culprit and sums up the rest apart. A pattern is routine when the
/// application makes it (a request path is recorded) and either it happened before the window too, now at most twice as
/// large (or a few rows), or many users make it now, a few rows each. An incident through the application (one user, many rows, or
/// a path never used before) is none of these.
/// </summary>
public static class RoutineChanges
{
    /// <summary>Times before the window a pattern needs to be the application's habit.</summary>
    public const int HabitCount = 3;

    /// <summary>Times in the window, and distinct users, for a pattern of many people's small changes.</summary>
    public const int CrowdCount = 5;

    public const int CrowdUsers = 3;

    /// <summary>
    /// The most rows one statement of a crowd pattern may change; a habit may always reach it too (signing out removes
    /// every session a player opened since the last time: one row before the window, three in it, is still a habit).
    /// </summary>
    public const int CrowdRows = 5;

    /// <summary>How many routine patterns the summary names (the rest are counted).</summary>
    public const int Named = 5;

    public static bool IsRoutine(ChangePattern pattern) =>
        pattern.Path.Length > 0 && pattern.InWindow > 0
        && ((pattern.Before >= HabitCount && pattern.MaxRowsInWindow <= Math.Max(CrowdRows, 2 * pattern.MaxRowsBefore))
            || (pattern.InWindow >= CrowdCount && pattern.Users >= CrowdUsers && pattern.MaxRowsInWindow <= CrowdRows));

    /// <summary>"Plus 57 routine change(s) by the application, summed up apart: …"; null when there were none.</summary>
    public static Finding? Summary(IReadOnlyList<ChangePattern> patterns, string query, DateTimeOffset now)
    {
        var routine = patterns.Where(IsRoutine).OrderByDescending(p => p.InWindow).ThenBy(p => p.Table, StringComparer.Ordinal).ToList();
        if (routine.Count == 0)
        {
            return null;
        }

        string Describe(ChangePattern p) => string.Create(CultureInfo.InvariantCulture,
            $"{p.Action} on {p.Table} through {p.Path} as {p.Role}: {p.InWindow:N0} time(s), {p.RowsInWindow:N0} row(s), by {p.Users:N0} user(s)")
            + (p.Before > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {p.Before:N0} time(s) in the hour before") : "");
        var named = string.Join("; ", routine.Take(Named).Select(Describe)) + (routine.Count > Named ? $"; and {routine.Count - Named} more kind(s)" : "");
        return Finding.Direct(InvestigationStep.What,
            string.Create(CultureInfo.InvariantCulture, $"Plus {routine.Sum(p => p.InWindow):N0} routine change(s) by the application in the window, summed up apart and not followed: ") + named,
            "destructive statements of the window and of the hour before it, grouped by table, action, request path and role; routine: a habit before the window no larger now, or many users' small changes",
            new Evidence(EvidenceSource.AuditTrail, query, string.Join("\n", routine.Select(Describe)), now));
    }
}
