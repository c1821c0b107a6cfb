using System.Text.RegularExpressions;
using TovPlay.Logs.Web.Tail;

namespace TovPlay.Logs.Web.Model.Lines;

/// <summary>A line as the Live and Search pages list it: numbered in the order it was listed, with its level found once.</summary>
public sealed partial record ListedLine(long Sequence, TailLine Source)
{
    public DateTimeOffset Time { get; } = DateTimeOffset.UnixEpoch.AddTicks(Source.TimestampNs / 100);

    /// <summary>The <c>level</c> label, else a level field in the line (json or logfmt), lower case; null if none.</summary>
    public string? Level { get; } = (Source.Labels["level"] ?? LevelInLine(Source.Line))?.ToLowerInvariant();

    private static string? LevelInLine(string line)
    {
        var match = LevelPattern().Match(line);
        return match.Success ? match.Groups["level"].Value : null;
    }

    [GeneratedRegex("""(?:"level"\s*:\s*"|\blevel=)(?<level>[A-Za-z]+)""", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 50)]
    private static partial Regex LevelPattern();
}
