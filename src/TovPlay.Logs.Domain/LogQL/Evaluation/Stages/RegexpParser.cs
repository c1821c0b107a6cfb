using System.Text.RegularExpressions;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Parsing;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary><c>| regexp "(?P&lt;name&gt;...)"</c>: each named group that took part in the match becomes a label.</summary>
internal sealed class RegexpParser : IStage
{
    private readonly Regex _regex;
    private readonly (int Number, string Label)[] _groups;

    public RegexpParser(RegexpParserStage stage)
    {
        var translated = RegexSyntax.Translate(stage.Pattern);
        _regex = RegexSyntax.Build(translated);
        _groups = [.. _regex.GetGroupNames().Where(n => !int.TryParse(n, out _)).Select(n => (_regex.GroupNumberFromName(n), n))];
    }

    public bool Process(long timestampNs, ref string line, LabelsBuilder labels)
    {
        var match = _regex.Match(line);
        if (match.Success)
        {
            foreach (var (number, label) in _groups)
            {
                if (match.Groups[number].Success)
                {
                    labels.SetParsed(label, match.Groups[number].Value);
                }
            }
        }

        return true;
    }
}
