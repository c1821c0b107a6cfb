namespace TovPlay.Logs.Domain.PostgresLog;

/// <summary>
/// Picks out of a whole cluster's log the entries of one database: those naming it, and the "connection received" of a
/// session that goes on to be authorized for it (received comes before the session knows its user and database, so it
/// is held until the pid's next entry says which database it is for). Bounded: at most <see cref="MaxHeld"/> are held.
/// </summary>
public sealed class ServerLogFilter(string database)
{
    public const int MaxHeld = 1000;

    private readonly Dictionary<int, ServerLogEntry> _received = [];

    public IEnumerable<ServerLogEntry> Accept(ServerLogEntry entry)
    {
        if (entry.Database is null)
        {
            if (entry.Message.StartsWith("connection received:", StringComparison.Ordinal))
            {
                if (_received.Count >= MaxHeld)
                {
                    _received.Clear();
                }

                _received[entry.Pid] = entry;
            }

            return [];
        }

        var held = _received.Remove(entry.Pid, out var received) ? received : null;
        if (entry.Database != database)
        {
            return [];
        }

        return held is null ? [entry] : [held, entry];
    }
}
