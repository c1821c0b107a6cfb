using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation.Templates;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary>
/// <c>| line_format "..."</c>: the rendered template becomes the line. A template that fails on one entry (a function
/// given text where it needs a number) leaves that line as it was, marked <c>__error__="TemplateFormatErr"</c>, as Loki does.
/// </summary>
internal sealed class LineFormat(LineFormatStage stage) : IStage
{
    public const string Error = "TemplateFormatErr";

    private readonly LineTemplate _template = LineTemplate.Compile(stage.Template);

    public bool Process(long timestampNs, ref string line, LabelsBuilder labels)
    {
        try
        {
            line = _template.Render(labels.Get, line, timestampNs);
        }
        catch (EvaluationException ex)
        {
            labels.SetError(Error, ex.Message);
        }

        return true;
    }
}

/// <summary><c>| label_format dst=src, dst2="{{...}}"</c>: renames and templated labels, all computed from the labels before the stage.</summary>
internal sealed class LabelFormat(LabelFormatStage stage) : IStage
{
    private readonly (string Destination, string? Source, LineTemplate? Template)[] _items =
        [.. stage.Items.Select(i => (i.Destination, i.IsTemplate ? null : i.Value, i.IsTemplate ? LineTemplate.Compile(i.Value) : null))];

    public bool Process(long timestampNs, ref string line, LabelsBuilder labels)
    {
        var results = new (string Destination, string? Value, string? RenamedFrom)[_items.Length];
        for (var i = 0; i < _items.Length; i++)
        {
            var (destination, source, template) = _items[i];
            try
            {
                results[i] = template is not null
                    ? (destination, template.Render(labels.Get, line, timestampNs), null)
                    : (destination, labels.Get(source!), source);
            }
            catch (EvaluationException ex)
            {
                labels.SetError(LineFormat.Error, ex.Message);
                return true;
            }
        }

        foreach (var (destination, value, renamedFrom) in results)
        {
            if (renamedFrom is not null && renamedFrom != destination)
            {
                labels.Delete(renamedFrom);
            }

            if (value is not null)
            {
                labels.Set(destination, value);
            }
        }

        return true;
    }
}
