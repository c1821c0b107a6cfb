using System.Globalization;
using System.Text.RegularExpressions;

namespace TovPlay.Logs.Domain.PostgresLog;

/// <summary>
/// One session of a backend as PostgreSQL's log tells it (log_connections and log_disconnections): where it came from,
/// who it signed in as, with which program, and when it began and ended; with its own lines, oldest first.
/// </summary>
public sealed partial record DatabaseSession(
    int Pid, string? Address, int? Port, string? User, string? Database, string? Application, DateTimeOffset? ConnectedAt, DateTimeOffset? EndedAt,
    IReadOnlyList<ServerLogLine> Lines)
{
    /// <summary>
    /// The session of <paramref name="pid"/> that was open at <paramref name="at"/>: the pid's lines from after its last
    /// disconnection before that moment to its first disconnection after it. PostgreSQL reuses pids, so the pid alone
    /// also matches earlier and later sessions. Null when the log holds no line of the pid.
    /// </summary>
    public static DatabaseSession? At(IEnumerable<ServerLogLine> log, int pid, DateTimeOffset at)
    {
        var lines = log.Where(l => l.Entry.Pid == pid).OrderBy(l => l.At).ToList();
        var start = lines.FindLastIndex(l => l.At < at && Ends(l)) + 1;
        var end = lines.FindIndex(start, l => l.At >= at && Ends(l));
        var own = lines[start..(end < 0 ? lines.Count : end + 1)];
        return own.Count == 0 ? null : Of(pid, own);
    }

    private static bool Ends(ServerLogLine line) => line.Entry.Message.StartsWith("disconnection:", StringComparison.Ordinal);

    private static DatabaseSession Of(int pid, List<ServerLogLine> lines)
    {
        string? address = null, user = null, database = null, application = null;
        int? port = null;
        DateTimeOffset? connected = null, ended = null;
        foreach (var line in lines)
        {
            var entry = line.Entry;
            if (Received().Match(entry.Message) is { Success: true } received)
            {
                address = received.Groups["host"].Value is "[local]" ? null : received.Groups["host"].Value;
                port = received.Groups["port"].Success ? int.Parse(received.Groups["port"].Value, CultureInfo.InvariantCulture) : null;
                connected = line.At;
            }
            else if (entry.Message.StartsWith("connection authorized:", StringComparison.Ordinal))
            {
                var values = Values(entry.Message);
                user = values.GetValueOrDefault("user") ?? user;
                database = values.GetValueOrDefault("database") ?? database;
                application = Program().Match(entry.Message) is { Success: true } program ? program.Groups["name"].Value : application;
                connected ??= line.At;
            }
            else if (Ends(line))
            {
                ended = line.At;
            }

            // A prefix naming them (%h, %a, %u, %d) tells them on every line, and says them last: SET application_name changes it.
            address ??= entry.Host;
            application = entry.Application ?? application;
            user ??= entry.User;
            database ??= entry.Database;
        }

        return new DatabaseSession(pid, address, port, user, database, application, connected, ended, lines);
    }

    /// <summary>The key=value pairs of a "connection authorized" message.</summary>
    private static Dictionary<string, string> Values(string message) =>
        Pair().Matches(message).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value, StringComparer.Ordinal);

    [GeneratedRegex(@"^connection received: host=(?<host>\S+)(?: port=(?<port>\d+))?")]
    private static partial Regex Received();

    /// <summary>The program's name is the message's last value and may hold spaces ("DBeaver 24.2.5 - Main"); SSL details may follow it.</summary>
    [GeneratedRegex(@" application_name=(?<name>.+?)(?: (?:SSL|GSS) .*)?$")]
    private static partial Regex Program();

    [GeneratedRegex(@"(?<key>[a-z_]+)=(?<value>\S+)")]
    private static partial Regex Pair();
}
