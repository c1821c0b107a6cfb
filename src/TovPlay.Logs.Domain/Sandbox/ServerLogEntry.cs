using System.Globalization;
using System.Text.RegularExpressions;

namespace TovPlay.Logs.Domain.Sandbox;

/// <summary>
/// One entry of PostgreSQL's own log as the server writes it to stderr with <c>log_line_prefix = '%m [%p] %q%u@%d '</c>:
/// its time, backend pid, user and database (absent before a session is authorized, and for the server's own
/// processes), severity and message, and the text as written (continuation lines of a long statement included).
/// </summary>
public sealed partial record ServerLogEntry(DateTimeOffset? At, int Pid, string? User, string? Database, string Severity, string Message, string Text)
{
    /// <summary>The prefix the sandbox's cluster is given, and the one <see cref="TryParse"/> reads.</summary>
    public const string LinePrefix = "%m [%p] %q%u@%d ";

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

        DateTimeOffset? at = DateTimeOffset.TryParseExact(match.Groups["time"].Value, "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var time) && match.Groups["zone"].Value is "UTC" or "GMT" or "+00" ? time : null;
        // Before a session is authorized PostgreSQL writes its user and database as "[unknown]".
        string? Part(string name) => match.Groups[name].Success && match.Groups[name].Value is { Length: > 0 } value && value != "[unknown]" ? value : null;
        return new ServerLogEntry(at, int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture), Part("user"), Part("db"),
            match.Groups["severity"].Value, match.Groups["message"].Value, line);
    }

    /// <summary>A continuation line (a tab, as PostgreSQL indents the rest of a multi-line message) joined to its entry.</summary>
    public ServerLogEntry Continued(string line) => this with { Text = Text + "\n" + line };

    [GeneratedRegex(@"^(?<time>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}) (?<zone>\S+) \[(?<pid>\d+)\] (?:(?<user>[^@ ]*)@(?<db>\S*) )?(?<severity>[A-Z]+):  (?<message>.*)$")]
    private static partial Regex Head();
}
