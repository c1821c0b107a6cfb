namespace TovPlay.Logs.Domain.Tests.LogQL;

/// <summary>
/// One line of a <c>.cases</c> file: <c>input => expected</c>, where expected is the canonical print,
/// <c>=</c> (the input is already canonical), or <c>error: message</c>. <c>⏎</c> in the input stands for a newline.
/// </summary>
public sealed record ParseCase(string File, int Line, string Input, string? ExpectedPrint, string? ExpectedError)
{
    public override string ToString() => $"{File}:{Line}: {Input}";
}

public static class CaseFile
{
    public const string Separator = " => ";

    public static IEnumerable<ParseCase> Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "LogQL", "Cases", name);
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(raw) || raw.StartsWith('#'))
            {
                continue;
            }

            var at = raw.IndexOf(Separator, StringComparison.Ordinal);
            if (at < 0)
            {
                throw new FormatException($"{name}:{lineNumber}: no \"{Separator}\" in \"{raw}\"");
            }

            var input = raw[..at].Replace('⏎', '\n');
            var expected = raw[(at + Separator.Length)..];
            yield return expected switch
            {
                "=" => new ParseCase(name, lineNumber, input, input, null),
                _ when expected.StartsWith("error: ", StringComparison.Ordinal) => new ParseCase(name, lineNumber, input, null, expected["error: ".Length..]),
                _ => new ParseCase(name, lineNumber, input, expected, null),
            };
        }
    }

    public static IEnumerable<string> Files() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "LogQL", "Cases"), "*.cases").Select(Path.GetFileName).OfType<string>().Order();
}
