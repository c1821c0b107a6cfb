namespace TovPlay.Logs.Domain.LogQL.Parsing;

/// <summary>
/// Checks a <c>pattern</c> expression as Loki does: captures are <c>&lt;name&gt;</c> or <c>&lt;_&gt;</c>, at least one named,
/// no name twice, and two captures never touch (a literal must separate them).
/// </summary>
internal static class PatternSyntax
{
    public static bool TryValidate(string pattern, out string? error)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var previousWasCapture = false;
        var named = 0;
        var i = 0;
        while (i < pattern.Length)
        {
            if (pattern[i] == '<')
            {
                var end = pattern.IndexOf('>', i + 1);
                var name = end > i ? pattern[(i + 1)..end] : "";
                if (end > i && IsCaptureName(name))
                {
                    if (previousWasCapture)
                    {
                        error = "two captures cannot be next to each other; put literal text between them";
                        return false;
                    }

                    if (name != "_")
                    {
                        if (!names.Add(name))
                        {
                            error = $"duplicate capture name <{name}>";
                            return false;
                        }

                        named++;
                    }

                    previousWasCapture = true;
                    i = end + 1;
                    continue;
                }
            }

            previousWasCapture = false;
            i++;
        }

        error = named == 0 ? "at least one named capture such as <status> is required" : null;
        return named > 0;
    }

    private static bool IsCaptureName(string name) =>
        name == "_" || (name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'));
}
