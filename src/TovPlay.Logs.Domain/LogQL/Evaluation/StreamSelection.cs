using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>A compiled stream selector: does a stream's label set match every matcher? (Regexes are anchored.)</summary>
public sealed class StreamSelection
{
    private readonly (string Name, Func<string, bool> Matches)[] _matchers;

    public StreamSelection(StreamSelector selector) =>
        _matchers = [.. selector.Matchers.Select(m => (m.Name, ValueMatcher.Compile(m.Operator, m.Value)))];

    public bool Matches(LabelSet labels)
    {
        foreach (var (name, matches) in _matchers)
        {
            if (!matches(labels[name] ?? ""))
            {
                return false;
            }
        }

        return true;
    }
}
