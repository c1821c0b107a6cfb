using System.Buffers;
using System.Text.RegularExpressions;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Parsing;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary><c>|= != |~ !~</c> with alternatives: ordinal substring search (vectorised) or a compiled regex.</summary>
internal sealed class LineFilter : IStage
{
    private readonly bool _negated;
    private readonly Func<string, bool>[] _alternatives;

    // The common case, one literal, is tested without a delegate: this is the hot loop of a text search. SearchValues
    // anchors its vectorised scan on the needle's rarest characters instead of its first and last, which matters for
    // needles made of common letters.
    private readonly SearchValues<string>? _single;

    public LineFilter(LineFilterStage stage)
    {
        _negated = stage.Operator is LineFilterOperator.NotContains or LineFilterOperator.NotRegex;
        var regex = stage.Operator is LineFilterOperator.Regex or LineFilterOperator.NotRegex;
        _alternatives = [.. stage.Values.Select(v => v.IsIp ? IpMatcher.LineContains(v.Value) : regex ? Regex(v.Value) : Contains(v.Value))];
        _single = !regex && stage.Values is [{ IsIp: false } only] ? SearchValues.Create([only.Value], StringComparison.Ordinal) : null;
    }

    public static Func<string, bool> Contains(string needle) => line => line.Contains(needle, StringComparison.Ordinal);

    private static Func<string, bool> Regex(string pattern)
    {
        var translated = RegexSyntax.Translate(pattern);
        var regex = RegexSyntax.Build(translated);
        return regex.IsMatch;
    }

    public bool Matches(string line)
    {
        if (_single is not null)
        {
            return line.AsSpan().ContainsAny(_single) != _negated;
        }

        foreach (var alternative in _alternatives)
        {
            if (alternative(line))
            {
                return !_negated;
            }
        }

        return _negated;
    }

    public bool Process(long timestampNs, ref string line, LabelsBuilder labels) => Matches(line);
}
