using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary><c>| drop</c> and <c>| keep</c>: by name, or only where the value matches.</summary>
internal sealed class DropKeep : IStage
{
    private readonly bool _keep;
    private readonly (string Name, Func<string, bool>? Matches)[] _selections;

    public DropKeep(IReadOnlyList<LabelSelection> selections, bool keep)
    {
        _keep = keep;
        _selections = [.. selections.Select(s => (s.Name, s.Operator is { } op ? ValueMatcher.Compile(op, s.Value!) : null))];
    }

    private bool Selected(string name, string value)
    {
        foreach (var (n, matches) in _selections)
        {
            if (string.Equals(n, name, StringComparison.Ordinal) && (matches is null || matches(value)))
            {
                return true;
            }
        }

        return false;
    }

    public bool Process(long timestampNs, ref string line, LabelsBuilder labels)
    {
        foreach (var (name, value) in labels.All().ToList())
        {
            // keep never removes the error labels: they explain why an entry looks the way it does.
            var remove = _keep
                ? !Selected(name, value) && name is not (LabelsBuilder.ErrorLabel or LabelsBuilder.ErrorDetailsLabel)
                : Selected(name, value);
            if (remove)
            {
                labels.Delete(name);
            }
        }

        return true;
    }
}
