using System.Globalization;
using System.Text.RegularExpressions;

namespace TovPlay.Logs.Domain.PostgresLog;

/// <summary>
/// One entry of PostgreSQL's own log as the server writes it to stderr: its time, backend pid, user and database
/// (absent before a session is authorized, and for the server's own processes), the client address and program when
/// the prefix names them, severity and message, and the text as written (continuation lines of a long statement
/// included). The sandbox's prefix is <see cref="LinePrefix"/>; others in common use are read too: a time and a
/// bracketed pid first, then <c>user@db</c> or <c>key=value</c> parts (<c>user=</c>, <c>db=</c>, <c>app=</c>,
/// <c>client=</c> or <c>host=</c>), then the severity.
/// </summary>
public sealed partial record ServerLogEntry(DateTimeOffset? At, int Pid, string? User, string? Database, string Severity, string Message, string Text)
{
    /// <summary>The prefix the sandbox's cluster is given, and the one the connect guide asks for.</summary>
    public const string LinePrefix = "%m [%p] %q%u@%d ";

    /// <summary>The client's address when the prefix carries it (<c>%h</c> or <c>%r</c>); else the session's "connection received" line tells it.</summary>
    public string? Host { get; init; }

    /// <summary>The client's program when the prefix carries it (<c>%a</c>).</summary>
    public string? Application { get; init; }

    /// <summary>The log level label for the entry's severity.</summary>
    public string Level => Severity switch
    {
        "ERROR" or "FATAL" or "PANIC" => "error",
        "WARNING" => "warn",
        _ => "info",
    };

    /// <summary>The first line of an entry, or null for a continuation line (or any text it cannot read).</summary>
    public static ServerLogEntry? TryParse(string line)
    {
        var match = Head().Match(line);
        if (!match.Success)
        {
            return null;
        }

        var zone = match.Groups["zone"].Value;
        DateTimeOffset? at = DateTimeOffset.TryParseExact(match.Groups["time"].Value, ["yyyy-MM-dd HH:mm:ss.FFFFFF", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var time) && zone is "UTC" or "GMT" or "+00" or "Z" ? time : null;
        var parts = Parts(match.Groups["middle"].Value);
        return new ServerLogEntry(at, int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture), parts.User, parts.Database,
            match.Groups["severity"].Value, match.Groups["message"].Value, line)
        {
            Host = parts.Host,
            Application = parts.Application,
        };
    }

    /// <summary>A continuation line (a tab, as PostgreSQL indents the rest of a multi-line message) joined to its entry.</summary>
    public ServerLogEntry Continued(string line) => this with { Text = Text + "\n" + line };

    /// <summary>The part after the severity with the continuation lines: "DELETE FROM users\n\tWHERE id = 1".</summary>
    public string Body
    {
        get
        {
            var start = Text.IndexOf(Severity + ":  ", StringComparison.Ordinal);
            return start < 0 ? Message : Text[(start + Severity.Length + 3)..];
        }
    }

    private static (string? User, string? Database, string? Host, string? Application) Parts(string middle)
    {
        string? user = null, database = null, host = null, application = null;
        foreach (var token in middle.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                var value = Known(token[(equals + 1)..]);
                switch (token[..equals].ToLowerInvariant())
                {
                    case "user" or "usr" or "u":
                        user = value;
                        break;
                    case "db" or "database" or "d":
                        database = value;
                        break;
                    case "app" or "application" or "application_name" or "a":
                        application = value;
                        break;
                    case "client" or "host" or "remote" or "h" or "r":
                        host = value is null ? null : Address(value);
                        break;
                }
            }
            else if (token.IndexOf('@', StringComparison.Ordinal) is var at and >= 0)
            {
                (user, database) = (Known(token[..at]), Known(token[(at + 1)..]));
            }
        }

        return (user, database, host, application);
    }

    /// <summary>Before a session is authorized PostgreSQL writes its user and database as "[unknown]".</summary>
    private static string? Known(string value) => value is { Length: > 0 } and not "[unknown]" ? value : null;

    /// <summary>"10.0.0.5(51234)" (%r) is the address and port: the address. "[local]" is the server's own socket: none.</summary>
    private static string? Address(string value)
    {
        var paren = value.IndexOf('(', StringComparison.Ordinal);
        var address = paren > 0 ? value[..paren] : value;
        return address == "[local]" ? null : address;
    }

    [GeneratedRegex(@"^(?<time>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?) (?<zone>\S+) (?:\[(?<pid>\d+)(?:-\d+)?\]:? ?)(?<middle>.*?)(?<severity>[A-Z]+[1-5]?):  (?<message>.*)$")]
    private static partial Regex Head();
}
