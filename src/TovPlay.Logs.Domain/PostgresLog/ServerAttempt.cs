using System.Text.RegularExpressions;

namespace TovPlay.Logs.Domain.PostgresLog;

/// <summary>What PostgreSQL's log says happened to a statement or a sign-in.</summary>
public enum AttemptKind
{
    /// <summary>A statement the server refused (an ERROR, with the STATEMENT it was about): it changed nothing.</summary>
    Refused,

    /// <summary>A connection refused before it signed in (a wrong password, no pg_hba.conf entry, no such role).</summary>
    SignInRefused,

    /// <summary>A destructive statement the server logged as run (log_statement = 'ddl' or 'mod').</summary>
    Ran,
}

/// <summary>
/// A destructive statement PostgreSQL's log tells of (refused, or logged as run), or a refused sign-in: when, by which
/// backend, as whom, the statement and its verb and target when known, the server's message, and the lines it rests on.
/// </summary>
public sealed record ServerAttempt(
    AttemptKind Kind, DateTimeOffset At, int Pid, string? User, string? Database, string? Statement, string Message, IReadOnlyList<ServerLogLine> Lines)
{
    /// <summary>"DELETE", "TRUNCATE", "DROP TABLE"...; null for a sign-in, or a statement the log did not give.</summary>
    public string? Verb => StatementText.Verb(Statement);

    /// <summary>The table the statement or the message names ("permission denied for table users").</summary>
    public string? Target => StatementText.Target(Statement) ?? ServerAttempts.TableInMessage(Message);
}

/// <summary>Finds in PostgreSQL's log the destructive statements it refused or ran, and the sign-ins it refused.</summary>
public static partial class ServerAttempts
{
    /// <summary>At most this many are told: a flood of one kind says as much in its first ones.</summary>
    public const int MaxAttempts = 200;

    /// <summary>How long after an ERROR its STATEMENT line may come (they are written together).</summary>
    private static readonly TimeSpan s_statementFollows = TimeSpan.FromSeconds(1);

    public static IReadOnlyList<ServerAttempt> Find(IReadOnlyList<ServerLogLine> log)
    {
        var found = new List<ServerAttempt>();
        for (var i = 0; i < log.Count && found.Count < MaxAttempts; i++)
        {
            var (at, entry) = (log[i].At, log[i].Entry);
            switch (entry.Severity)
            {
                case "ERROR":
                    var statement = StatementAfter(log, i);
                    var sql = statement?.Entry.Body;
                    if (StatementText.Verb(sql) is not null || IsPrivilegeRefusal(entry.Message))
                    {
                        found.Add(new ServerAttempt(AttemptKind.Refused, at, entry.Pid, entry.User, entry.Database, sql?.Trim(), entry.Body.Trim(),
                            statement is null ? [log[i]] : [log[i], statement]));
                    }

                    break;
                case "FATAL" when SignInRefused().Match(entry.Message) is { Success: true } refused:
                    found.Add(new ServerAttempt(AttemptKind.SignInRefused, at, entry.Pid,
                        refused.Groups["user"].Success ? refused.Groups["user"].Value : entry.User, entry.Database, null, entry.Message, [log[i]]));
                    break;
                case "LOG" when LoggedStatement().Match(entry.Body) is { Success: true } logged && StatementText.Verb(logged.Groups["sql"].Value) is not null:
                    found.Add(new ServerAttempt(AttemptKind.Ran, at, entry.Pid, entry.User, entry.Database, logged.Groups["sql"].Value.Trim(), entry.Message, [log[i]]));
                    break;
            }
        }

        return found;
    }

    /// <summary>Refusals by privilege, whatever the statement: the server's own, and the mass-change guard's.</summary>
    public static bool IsPrivilegeRefusal(string message) =>
        message.StartsWith("permission denied", StringComparison.Ordinal) || message.StartsWith("must be owner", StringComparison.Ordinal)
        || message.StartsWith("TovPlay mass-change guard", StringComparison.Ordinal);

    /// <summary>"permission denied for table users" names the table (PostgreSQL 15+: "for table"; older: "for relation").</summary>
    public static string? TableInMessage(string message) =>
        TableNamed().Match(message) is { Success: true } match ? match.Groups["table"].Value : null;

    /// <summary>
    /// The STATEMENT line PostgreSQL writes right after an ERROR of the same backend; failing that, one of the backend
    /// within the same second before it (a store, or a shipper's batches, may give lines of one moment in another order).
    /// Lines of the backend stamped with the ERROR's own millisecond have no order among them (log_statement's LOG of
    /// the same statement, in another stream, can land between the ERROR and its STATEMENT): they are looked past.
    /// </summary>
    private static ServerLogLine? StatementAfter(IReadOnlyList<ServerLogLine> log, int error) =>
        StatementFollowing(log, error) ?? StatementPreceding(log, error);

    /// <summary>A line of the ERROR's millisecond that is not another error: its place beside the ERROR says nothing.</summary>
    private static bool Tied(ServerLogLine line, ServerLogLine error) => line.At == error.At && line.Entry.Severity is not ("ERROR" or "FATAL" or "PANIC");

    private static ServerLogLine? StatementPreceding(IReadOnlyList<ServerLogLine> log, int error)
    {
        for (var j = error - 1; j >= 0 && log[error].At - log[j].At <= s_statementFollows; j--)
        {
            if (log[j].Entry.Pid == log[error].Entry.Pid && log[j].Entry.Severity != "STATEMENT")
            {
                if (Tied(log[j], log[error]))
                {
                    continue;
                }

                return null;
            }

            if (log[j].Entry.Pid == log[error].Entry.Pid)
            {
                return log[j];
            }
        }

        return null;
    }

    private static ServerLogLine? StatementFollowing(IReadOnlyList<ServerLogLine> log, int error)
    {
        for (var j = error + 1; j < log.Count && log[j].At - log[error].At <= s_statementFollows; j++)
        {
            if (log[j].Entry.Pid == log[error].Entry.Pid)
            {
                // DETAIL, HINT and CONTEXT may come between; anything else of the backend ends the ERROR.
                if (log[j].Entry.Severity == "STATEMENT")
                {
                    return log[j];
                }

                if (log[j].Entry.Severity is not ("DETAIL" or "HINT" or "CONTEXT") && !Tied(log[j], log[error]))
                {
                    return null;
                }
            }
        }

        return null;
    }

    [GeneratedRegex(@"^(?:password authentication failed for user ""(?<user>[^""]*)""|no pg_hba\.conf entry for host .*?user ""(?<user>[^""]*)""|pg_hba\.conf rejects connection for host .*?user ""(?<user>[^""]*)""|role ""(?<user>[^""]*)"" does not exist|(?:Ident|Peer|certificate|LDAP|RADIUS) authentication failed for user ""(?<user>[^""]*)"")")]
    private static partial Regex SignInRefused();

    /// <summary>"statement: DROP TABLE x" (log_statement) and "duration: 3.2 ms  statement: ..." (log_min_duration_statement).</summary>
    [GeneratedRegex(@"^(?:duration: [0-9.]+ ms  )?statement: (?<sql>[\s\S]+)$")]
    private static partial Regex LoggedStatement();

    [GeneratedRegex(@"\b(?:for|of) (?:table|relation) (?<table>[\w$.""]+)")]
    private static partial Regex TableNamed();
}
