namespace TovPlay.Logs.Domain.Alerting;

/// <summary>What was last sent for a group: the alerts it called firing and resolved, and when.</summary>
public sealed record NotificationLogEntry(IReadOnlySet<string> Firing, IReadOnlySet<string> Resolved, DateTimeOffset At);

/// <summary>
/// Alertmanager's deduplication, which decides at each flush of a group whether the receiver hears of it: when an
/// alert starts firing that it has not been told of, when something it was told of resolved, and otherwise only once
/// the repeat interval has passed. Alerts that fired and resolved between two flushes are never sent.
/// </summary>
public static class NotificationDecision
{
    public static bool NeedsUpdate(NotificationLogEntry? entry, IReadOnlySet<string> firing, IReadOnlySet<string> resolved, DateTimeOffset now, TimeSpan repeat,
        bool sendResolved = true)
    {
        if (entry is null)
        {
            return firing.Count > 0;
        }

        if (!firing.IsSubsetOf(entry.Firing))
        {
            return true;
        }

        if (firing.Count == 0)
        {
            // All resolved: tell the receiver only if it was told they fired.
            return entry.Firing.Count > 0;
        }

        if (sendResolved && !resolved.IsSubsetOf(entry.Resolved))
        {
            return true;
        }

        return entry.At <= now - repeat;
    }
}
