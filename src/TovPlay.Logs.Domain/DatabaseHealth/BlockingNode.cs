namespace TovPlay.Logs.Domain.DatabaseHealth;

/// <summary>
/// A session in the "who blocks whom" tree: at a root, one that holds locks others wait for while waiting on nobody
/// (the one to look at, and to cancel if anything); under it, the sessions waiting on it, and those waiting on them.
/// </summary>
public sealed record BlockingNode(Backend Backend, TimeSpan? Waiting, IReadOnlyList<BlockingNode> Waiters)
{
    /// <summary>The most nodes the trees of one snapshot hold.</summary>
    public const int MaxNodes = 2000;

    /// <summary>Every session this one holds up, directly or through others.</summary>
    public int HeldUp => Waiters.Sum(w => 1 + w.HeldUp);

    /// <summary>
    /// The trees of the snapshot, the root holding up the most first. A session waiting on several is listed under each
    /// (it needs them all); a cycle (a deadlock before the server breaks it) is cut where it comes back round, and its
    /// sessions, waiting on each other, are each a root.
    /// </summary>
    public static IReadOnlyList<BlockingNode> Trees(IReadOnlyList<Backend> backends, DateTimeOffset now)
    {
        var byPid = backends.GroupBy(b => b.Pid).ToDictionary(g => g.Key, g => g.First());
        var waitersOf = backends.SelectMany(b => b.BlockedBy.Distinct().Select(blocker => (Blocker: blocker, Waiter: b)))
            .GroupBy(p => p.Blocker).ToDictionary(g => g.Key, g => g.Select(p => p.Waiter).OrderBy(w => w.Pid).ToList());
        var blockers = waitersOf.Keys.Where(byPid.ContainsKey).ToList();
        var roots = blockers.Where(pid => byPid[pid].BlockedBy.Count == 0).ToList();
        if (roots.Count == 0 && blockers.Count > 0)
        {
            roots = blockers; // only cycles: no one waits on nobody
        }
        else
        {
            // Blockers reachable from no root are in a cycle of their own.
            var reached = new HashSet<int>();
            void Reach(int pid)
            {
                if (reached.Add(pid))
                {
                    foreach (var waiter in waitersOf.GetValueOrDefault(pid) ?? [])
                    {
                        Reach(waiter.Pid);
                    }
                }
            }

            roots.ForEach(Reach);
            roots.AddRange(blockers.Where(pid => !reached.Contains(pid)));
        }

        // Sessions waiting on several appear once per blocker: a budget keeps a pile-up of thousands from growing the tree without end.
        var budget = MaxNodes;
        BlockingNode Node(Backend backend, HashSet<int> path)
        {
            budget--;
            path.Add(backend.Pid);
            var waiters = (waitersOf.GetValueOrDefault(backend.Pid) ?? []).Where(w => !path.Contains(w.Pid)).TakeWhile(_ => budget > 0).Select(w => Node(w, [.. path])).ToList();
            TimeSpan? waiting = backend.WaitsOnLock && backend.QueryStart is { } started ? now - started : null;
            return new BlockingNode(backend, waiting, waiters);
        }

        return [.. roots.Distinct().Select(pid => Node(byPid[pid], [])).OrderByDescending(n => n.HeldUp).ThenBy(n => n.Backend.Pid)];
    }
}
