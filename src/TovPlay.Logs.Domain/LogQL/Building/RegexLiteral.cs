using TovPlay.Logs.Domain.LogQL.Parsing;

namespace TovPlay.Logs.Domain.LogQL.Building;

/// <summary>Regex text that matches literal values and nothing else, valid in RE2 and .NET alike.</summary>
public static class RegexLiteral
{
    public static string Escape(string text) => RegexSyntax.EscapeLiteral(text ?? throw new ArgumentNullException(nameof(text)));

    /// <summary><c>a|b|c</c> with each alternative escaped; LogQL label regexes are anchored, so this is exact.</summary>
    public static string AnyOf(IEnumerable<string> values)
    {
        var escaped = values.Select(Escape).ToList();
        return escaped.Count == 0 ? throw new ArgumentException("At least one value is needed.", nameof(values)) : string.Join("|", escaped);
    }
}
