using System.Text.RegularExpressions;

namespace TovPlay.Logs.Domain.LogQL.Parsing;

/// <summary>
/// The subset of Go templates that <c>line_format</c> and <c>label_format</c> support here: <c>{{.label}}</c>,
/// <c>{{__line__}}</c>, <c>{{__timestamp__}}</c>, string literals, and the functions below, called directly
/// (<c>{{ToUpper .path}}</c>) or in a pipeline (<c>{{.path | lower}}</c>). Anything else is refused by name.
/// </summary>
internal static partial class TemplateSyntax
{
    public static readonly IReadOnlySet<string> Functions = new HashSet<string>(StringComparer.Ordinal)
    {
        "ToUpper", "ToLower", "upper", "lower", "title", "trim", "trimSpace", "trimPrefix", "trimSuffix", "replace",
        "substr", "trunc", "default", "printf", "len", "repeat", "contains", "hasPrefix", "hasSuffix", "urlencode", "urldecode",
    };

    public static bool TryValidate(string template, out string? error)
    {
        var i = 0;
        while (true)
        {
            var open = template.IndexOf("{{", i, StringComparison.Ordinal);
            var strayClose = template.IndexOf("}}", i, StringComparison.Ordinal);
            if (open < 0)
            {
                error = strayClose >= 0 ? "\"}}\" without a matching \"{{\"" : null;
                return strayClose < 0;
            }

            if (strayClose >= 0 && strayClose < open)
            {
                error = "\"}}\" without a matching \"{{\"";
                return false;
            }

            var close = template.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                error = "unclosed action: \"{{\" without \"}}\"";
                return false;
            }

            var action = template[(open + 2)..close].Trim().TrimStart('-').TrimEnd('-').Trim();
            if (!TryValidateAction(action, out error))
            {
                return false;
            }

            i = close + 2;
        }
    }

    private static bool TryValidateAction(string action, out string? error)
    {
        if (action.Length == 0)
        {
            error = "empty action {{}}";
            return false;
        }

        foreach (var command in TemplateLexer.SplitPipes(action))
        {
            var words = TemplateLexer.Words(command).ToList();
            if (words.Count == 0)
            {
                error = "empty command in a pipeline";
                return false;
            }

            foreach (var (word, index) in words.Select((w, n) => (w, n)))
            {
                var ok = word.StartsWith('"') || word.StartsWith('`') || double.TryParse(word, System.Globalization.CultureInfo.InvariantCulture, out _)
                    || FieldName().IsMatch(word) || word is "__line__" or "__timestamp__"
                    || (index == 0 && Functions.Contains(word));
                if (!ok)
                {
                    error = Functions.Contains(word) || char.IsAsciiLetter(word[0])
                        ? $"unsupported function \"{word}\" (supported: {string.Join(", ", Functions.Order(StringComparer.Ordinal))})"
                        : $"unsupported expression \"{word}\" (use .label, __line__ or __timestamp__)";
                    return false;
                }
            }
        }

        error = null;
        return true;
    }

    [GeneratedRegex("^\\.[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex FieldName();
}
