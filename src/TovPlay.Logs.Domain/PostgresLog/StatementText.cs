using System.Text.RegularExpressions;

namespace TovPlay.Logs.Domain.PostgresLog;

/// <summary>What a statement's text does to data, read from its first words: a removal, an overwrite, a change of shape, or nothing of the kind.</summary>
public static partial class StatementText
{
    /// <summary>"DELETE", "TRUNCATE", "DROP TABLE", "UPDATE", "ALTER TABLE", "DROP SCHEMA", "DROP DATABASE"; null for a statement that destroys nothing.</summary>
    public static string? Verb(string? sql) => Parse(sql).Verb;

    /// <summary>The table (or schema, or database) the statement names first, unquoted; null when none is read.</summary>
    public static string? Target(string? sql) => Parse(sql).Target;

    /// <summary>An UPDATE or DELETE with no WHERE clause: it applies to every row of its table.</summary>
    public static bool LacksWhere(string? sql) => Verb(sql) is "UPDATE" or "DELETE" && !Where().IsMatch(sql!);

    private static (string? Verb, string? Target) Parse(string? sql)
    {
        if (sql is null || Head().Match(StripComments(sql)) is not { Success: true } match)
        {
            return (null, null);
        }

        var words = Whitespace().Replace(match.Groups["verb"].Value.ToUpperInvariant(), " ");
        var verb = words switch
        {
            "DELETE FROM" => "DELETE",
            "TRUNCATE TABLE" => "TRUNCATE",
            _ => words,
        };
        var target = match.Groups["target"].Value.Replace("\"", "", StringComparison.Ordinal);
        return (verb, target.Length > 0 ? target : null);
    }

    /// <summary>The text without its leading comments ("-- why" lines and /* */ blocks), which clients put in front of statements.</summary>
    private static string StripComments(string sql)
    {
        var text = sql.TrimStart();
        while (true)
        {
            if (text.StartsWith("--", StringComparison.Ordinal))
            {
                var end = text.IndexOf('\n', StringComparison.Ordinal);
                text = end < 0 ? "" : text[(end + 1)..].TrimStart();
            }
            else if (text.StartsWith("/*", StringComparison.Ordinal))
            {
                var end = text.IndexOf("*/", StringComparison.Ordinal);
                text = end < 0 ? "" : text[(end + 2)..].TrimStart();
            }
            else
            {
                return text;
            }
        }
    }

    [GeneratedRegex(@"^(?<verb>DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|DROP\s+(?:TABLE|SCHEMA|DATABASE)|UPDATE|ALTER\s+TABLE)(?:\s+IF\s+EXISTS)?(?:\s+ONLY)?\s+(?<target>(?:""[^""]+""|[\w$]+)(?:\.(?:""[^""]+""|[\w$]+))?)?",
        RegexOptions.IgnoreCase)]
    private static partial Regex Head();

    [GeneratedRegex(@"\bWHERE\b", RegexOptions.IgnoreCase)]
    private static partial Regex Where();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
