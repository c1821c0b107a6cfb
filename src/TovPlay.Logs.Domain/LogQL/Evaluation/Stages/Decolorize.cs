using System.Text.RegularExpressions;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary><c>| decolorize</c>: removes ANSI escape sequences (colours, bold) from the line.</summary>
internal sealed partial class Decolorize : IStage
{
    public bool Process(long timestampNs, ref string line, LabelsBuilder labels)
    {
        if (line.Contains('\u001b', StringComparison.Ordinal))
        {
            line = Ansi().Replace(line, "");
        }

        return true;
    }

    [GeneratedRegex("\u001b\\[[0-9;?]*[ -/]*[@-~]")]
    private static partial Regex Ansi();
}
