using System.Text.RegularExpressions;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.Tail;

namespace TovPlay.Logs.Web.Model.Lines;

/// <summary>A line as the Live and Search pages list it: numbered in the order it was listed, with its level found once.</summary>
public sealed partial record ListedLine(long Sequence, TailLine Source)
{
    public DateTimeOffset Time { get; } = DateTimeOffset.UnixEpoch.AddTicks(Source.TimestampNs / 100);

    /// <summary>The <c>level</c> label, else a level field in the line (json or logfmt), lower case; null if none.</summary>
    public string? Level { get; } = (Source.Labels["level"] ?? LevelInLine(Source.Line))?.ToLowerInvariant();

    private readonly Lazy<(LineKind Kind, IReadOnlyList<KeyValuePair<string, string>> Fields)> _parsed = new(() => LineFields.Extract(Source.Line));

    /// <summary>The line's fields as the json or logfmt stage would read them, parsed on first use.</summary>
    public (LineKind Kind, IReadOnlyList<KeyValuePair<string, string>> Fields) Parsed => _parsed.Value;

    /// <summary>A label, else a parsed field, by name: what a column shows.</summary>
    public string? Field(string name)
    {
        if (Source.Labels[name] is { } label)
        {
            return label;
        }

        foreach (var (key, value) in Parsed.Fields)
        {
            if (key == name)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Every label and field name the line has, for choosing columns.</summary>
    public IEnumerable<string> FieldNames => Source.Labels.Pairs.Select(p => p.Key).Concat(Parsed.Fields.Select(p => p.Key));

    private static string? LevelInLine(string line)
    {
        var match = LevelPattern().Match(line);
        return match.Success ? match.Groups["level"].Value : null;
    }

    [GeneratedRegex("""(?:"level"\s*:\s*"|\blevel=)(?<level>[A-Za-z]+)""", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 50)]
    private static partial Regex LevelPattern();
}
