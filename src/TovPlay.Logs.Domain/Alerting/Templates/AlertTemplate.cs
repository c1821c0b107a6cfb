namespace TovPlay.Logs.Domain.Alerting.Templates;

/// <summary>A template that cannot be parsed or run; the message says where (line and column) and why.</summary>
public sealed class AlertTemplateException(string message) : Exception(message);

/// <summary>
/// The Go templates of Prometheus rules and Alertmanager receivers, for annotations (<c>{{ $labels.route }}</c>,
/// <c>{{ $value | humanize }}</c>) and Discord messages (<c>{{ range .Alerts.Firing }}…{{ end }}</c>): text, actions with
/// pipelines and variables, <c>if</c>/<c>else if</c>/<c>else</c>, <c>range</c>, <c>with</c>, comments and trim markers, and the
/// functions both tools offer. Rendering is bounded: at most <see cref="MaxOutput"/> characters come out.
/// </summary>
public sealed class AlertTemplate
{
    public const int MaxLength = 20_000;
    public const int MaxOutput = 64 * 1024;
    internal const int MaxNesting = 32;

    private readonly IReadOnlyList<TemplateNode> _nodes;

    private AlertTemplate(string text, IReadOnlyList<TemplateNode> nodes)
    {
        Text = text;
        _nodes = nodes;
    }

    public string Text { get; }

    /// <exception cref="AlertTemplateException">The text is not a template we can run.</exception>
    public static AlertTemplate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new AlertTemplateException($"the template is {text.Length:N0} characters long; at most {MaxLength:N0} are allowed");
        }

        return new AlertTemplate(text, TemplateParser.Parse(text));
    }

    /// <summary>Null when the text parses, otherwise the error with its line and column.</summary>
    public static string? Problem(string text)
    {
        try
        {
            Parse(text);
            return null;
        }
        catch (AlertTemplateException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Runs the template with <paramref name="dot"/> as <c>.</c> and <c>$</c>, and the given variables (<c>$labels</c>, <c>$value</c>).</summary>
    /// <exception cref="AlertTemplateException">A function failed or the output grew past <see cref="MaxOutput"/>.</exception>
    public string Render(object? dot, IReadOnlyDictionary<string, object?>? variables = null) =>
        TemplateRunner.Run(_nodes, dot, variables);

    /// <summary>Renders, or gives the error in the text, as Prometheus does when an annotation's template fails.</summary>
    public static string RenderOrError(string text, object? dot, IReadOnlyDictionary<string, object?>? variables = null)
    {
        try
        {
            return Parse(text).Render(dot, variables);
        }
        catch (AlertTemplateException ex)
        {
            return "<error expanding template: " + ex.Message + ">";
        }
    }
}

internal abstract record TemplateNode;

internal sealed record TextNode(string Text) : TemplateNode;

internal sealed record OutputNode(TemplatePipeline Pipeline) : TemplateNode;

/// <summary><c>if</c> and <c>with</c>; an <c>else if</c> is an <see cref="IfNode"/> alone in <see cref="Else"/>.</summary>
internal sealed record IfNode(TemplatePipeline Condition, IReadOnlyList<TemplateNode> Then, IReadOnlyList<TemplateNode> Else, bool With) : TemplateNode;

internal sealed record RangeNode(TemplatePipeline Over, IReadOnlyList<TemplateNode> Body, IReadOnlyList<TemplateNode> Else) : TemplateNode;

/// <summary>Commands joined by <c>|</c>, optionally declaring variables (<c>$x := …</c>, <c>$i, $e := …</c> in a range) or assigning one (<c>$x = …</c>).</summary>
internal sealed record TemplatePipeline(IReadOnlyList<string> Declared, bool Assigns, IReadOnlyList<TemplateCommand> Commands, string Where);

internal sealed record TemplateCommand(IReadOnlyList<TemplateOperand> Operands);

internal abstract record TemplateOperand;

/// <summary><c>.A.B</c> (Variable null), <c>$x.A</c>, <c>$</c>; an empty path is the value itself.</summary>
internal sealed record FieldOperand(string? Variable, IReadOnlyList<string> Path) : TemplateOperand;

internal sealed record LiteralOperand(object? Value) : TemplateOperand;

internal sealed record FunctionOperand(string Name) : TemplateOperand;

internal sealed record NestedOperand(TemplatePipeline Pipeline, IReadOnlyList<string> Path) : TemplateOperand;
