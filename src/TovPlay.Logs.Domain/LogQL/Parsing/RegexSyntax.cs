using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;

namespace TovPlay.Logs.Domain.LogQL.Parsing;

/// <summary>
/// Loki's regexes are Go's RE2. This refuses what RE2 refuses but .NET would accept (look-arounds, back-references,
/// atomic groups, possessive quantifiers, conditionals) and turns RE2's <c>(?P&lt;name&gt;</c> into .NET's <c>(?&lt;name&gt;</c>.
/// </summary>
internal static class RegexSyntax
{
    /// <summary>
    /// A last guard for one match. The engine is already linear in the text's length, so only a pathological
    /// line megabytes long could come near it; the query then fails instead of holding a core.
    /// </summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    /// <summary>RE2's limit on nested groups.</summary>
    public const int MaxNesting = 1000;

    /// <summary>
    /// Every user pattern is built here, on .NET's non-backtracking engine: like RE2 it runs in time linear in the
    /// text, so <c>(a+)+$</c> cannot pin a core; and like RE2 it refuses patterns whose automaton would be too large.
    /// </summary>
    public static Regex Build(string translated, RegexOptions extra = RegexOptions.None) =>
        new(translated, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | extra, MatchTimeout);

    /// <summary>Anchored at both ends, as Loki's label matchers are (<c>\z</c>: a trailing newline is not skipped).</summary>
    public static Regex BuildWhole(string translated) => Build($"^(?:{translated})\\z", RegexOptions.Singleline);

    /// <summary>Returns the .NET pattern, or the reason RE2 would refuse it.</summary>
    public static bool TryTranslate(string pattern, out string translated, out string? error) =>
        TryRewrite(pattern, out translated, out error) && TryBuild(translated, out _, out error);

    /// <summary>The .NET form of a pattern already checked (by the parser or the builder); compiles nothing.</summary>
    public static string Translate(string pattern) =>
        TryRewrite(pattern, out var translated, out var error) ? translated : throw new ArgumentException($"invalid regex \"{pattern}\": {error}", nameof(pattern));

    /// <summary>Translates and compiles in one go, for callers that need the regex itself (named groups).</summary>
    public static bool TryCompile(string pattern, [NotNullWhen(true)] out Regex? regex, out string? error)
    {
        regex = null;
        return TryRewrite(pattern, out var translated, out error) && TryBuild(translated, out regex, out error);
    }

    /// <summary>Refuses RE2-incompatible constructs and rewrites RE2 syntax for .NET; compiles nothing.</summary>
    private static bool TryRewrite(string pattern, out string translated, out string? error)
    {
        var sb = new StringBuilder(pattern.Length);
        error = null;
        var inClass = false;
        var depth = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var e = pattern[i + 1];
                if (!inClass && (char.IsAsciiDigit(e) && e != '0' || e == 'k'))
                {
                    translated = "";
                    error = "back-references are not supported";
                    return false;
                }

                sb.Append(c).Append(e);
                i++;
                continue;
            }

            if (inClass)
            {
                if (c == ']')
                {
                    inClass = false;
                }

                sb.Append(c);
                continue;
            }

            if (c == '[')
            {
                inClass = true;
                sb.Append(c);
                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    sb.Append(']');
                    i++;
                }

                continue;
            }

            // RE2 refuses nesting deeper than 1000; the engine here would take it, at a cost a query should not set.
            if (c == '(' && ++depth > MaxNesting)
            {
                translated = "";
                error = "expression nests too deeply";
                return false;
            }

            if (c == ')' && depth > 0)
            {
                depth--;
            }

            if (c == '(' && i + 1 < pattern.Length && pattern[i + 1] == '?')
            {
                var rest = pattern.AsSpan(i + 2);
                if (rest.StartsWith("P<"))
                {
                    sb.Append("(?<");
                    i += 3;
                    continue;
                }

                if (rest.StartsWith("=") || rest.StartsWith("!") || rest.StartsWith("<=") || rest.StartsWith("<!"))
                {
                    translated = "";
                    error = "look-ahead and look-behind are not supported";
                    return false;
                }

                if (rest.StartsWith(">") || rest.StartsWith("("))
                {
                    translated = "";
                    error = rest.StartsWith(">") ? "atomic groups are not supported" : "conditionals are not supported";
                    return false;
                }
            }

            if (c == '+' && i > 0 && pattern[i - 1] is '*' or '+' or '?' or '}' && !(i > 1 && pattern[i - 2] == '\\'))
            {
                translated = "";
                error = "possessive quantifiers are not supported";
                return false;
            }

            sb.Append(c);
        }

        translated = sb.ToString();
        return true;
    }

    private static bool TryBuild(string translated, [NotNullWhen(true)] out Regex? regex, out string? error)
    {
        try
        {
            regex = Build(translated);
            error = null;
            return true;
        }
        catch (RegexParseException ex)
        {
            regex = null;
            error = $"{Words(ex.Error.ToString())} at offset {ex.Offset}";
            return false;
        }
        catch (NotSupportedException)
        {
            // The non-backtracking engine's bound on its automaton, as RE2 bounds its program: a{100}{100}, [\p{L}]{50000}.
            regex = null;
            error = "expression too large";
            return false;
        }
    }

    /// <summary>InsufficientClosingParentheses -> "insufficient closing parentheses".</summary>
    private static string Words(string pascal)
    {
        var sb = new StringBuilder();
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && sb.Length > 0)
            {
                sb.Append(' ');
            }

            sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }

    /// <summary>The escape that makes literal text match itself in RE2 and .NET alike.</summary>
    public static string EscapeLiteral(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if ("\\.+*?()|[]{}^$".Contains(c, StringComparison.Ordinal))
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
