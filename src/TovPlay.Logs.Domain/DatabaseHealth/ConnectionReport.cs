namespace TovPlay.Logs.Domain.DatabaseHealth;

/// <summary>A count of client connections under one value (a state, a database, a role...).</summary>
public sealed record ConnectionCount(string Value, int Count);

/// <summary>A session that is worth a look, with how long it has been so.</summary>
public sealed record FlaggedSession(Backend Backend, TimeSpan For);

/// <summary>
/// What the Database page tells about one snapshot: client connections grouped by state, database, role, application
/// and address; sessions idle in a transaction (holding their locks and snapshot) and queries running long, oldest
/// first; and who blocks whom.
/// </summary>
public sealed record ConnectionReport(
    ConnectionSnapshot Snapshot,
    IReadOnlyList<ConnectionCount> ByState, IReadOnlyList<ConnectionCount> ByDatabase, IReadOnlyList<ConnectionCount> ByRole,
    IReadOnlyList<ConnectionCount> ByApplication, IReadOnlyList<ConnectionCount> ByClient,
    IReadOnlyList<FlaggedSession> IdleInTransaction, IReadOnlyList<FlaggedSession> LongRunning, IReadOnlyList<BlockingNode> Blocking)
{
    /// <summary>The most values a grouping lists; the rest are summed as "others".</summary>
    public const int MaxValues = 12;

    public static ConnectionReport Of(ConnectionSnapshot snapshot, TimeSpan longQueryAfter, TimeSpan idleInTransactionAfter)
    {
        var clients = snapshot.Clients.ToList();
        var now = snapshot.At;
        return new ConnectionReport(
            snapshot,
            Count(clients, b => b.State ?? "(unknown)"),
            Count(clients, b => b.Database ?? "(none)"),
            Count(clients, b => b.Role ?? "(none)"),
            Count(clients, b => string.IsNullOrEmpty(b.Application) ? "(not set)" : b.Application),
            Count(clients, b => b.ClientAddress ?? "(local socket)"),
            [.. clients.Where(b => b.IsIdleInTransaction && b.StateChange is { } since && now - since >= idleInTransactionAfter)
                .Select(b => new FlaggedSession(b, now - b.StateChange!.Value)).OrderByDescending(f => f.For).ThenBy(f => f.Backend.Pid)],
            [.. clients.Where(b => b.IsActive && b.QueryStart is { } started && now - started >= longQueryAfter)
                .Select(b => new FlaggedSession(b, now - b.QueryStart!.Value)).OrderByDescending(f => f.For).ThenBy(f => f.Backend.Pid)],
            BlockingNode.Trees(snapshot.Backends, now));
    }

    private static List<ConnectionCount> Count(List<Backend> clients, Func<Backend, string> key)
    {
        var counts = clients.GroupBy(key, StringComparer.Ordinal).Select(g => new ConnectionCount(g.Key, g.Count()))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal).ToList();
        if (counts.Count <= MaxValues)
        {
            return counts;
        }

        var rest = counts.Skip(MaxValues - 1).ToList();
        return [.. counts.Take(MaxValues - 1), new ConnectionCount($"({rest.Count} others)", rest.Sum(c => c.Count))];
    }
}
