using System.Collections;
using System.Text;

namespace TovPlay.Logs.Domain.Alerting.Templates;

/// <summary>Runs parsed nodes over data, as Go's text/template does, within <see cref="AlertTemplate.MaxOutput"/>.</summary>
internal sealed class TemplateRunner
{
    private readonly StringBuilder _output = new();

    public static string Run(IReadOnlyList<TemplateNode> nodes, object? dot, IReadOnlyDictionary<string, object?>? variables)
    {
        var runner = new TemplateRunner();
        var scope = new Scope(null);
        scope.Declare("$", dot);
        foreach (var (name, value) in variables ?? new Dictionary<string, object?>())
        {
            scope.Declare(name.StartsWith('$') ? name : "$" + name, value);
        }

        runner.Walk(nodes, dot, scope);
        return runner._output.ToString();
    }

    private void Walk(IReadOnlyList<TemplateNode> nodes, object? dot, Scope scope)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode text:
                    Write(text.Text);
                    break;
                case OutputNode output:
                    var value = Evaluate(output.Pipeline, dot, scope);
                    if (output.Pipeline.Declared.Count == 0)
                    {
                        Write(TemplateText.Print(value));
                    }

                    break;
                case IfNode branch:
                    var inner = new Scope(scope);
                    var condition = Evaluate(branch.Condition, dot, inner);
                    if (TemplateFunctions.IsTrue(condition))
                    {
                        Walk(branch.Then, branch.With ? condition : dot, inner);
                    }
                    else
                    {
                        Walk(branch.Else, dot, new Scope(scope));
                    }

                    break;
                case RangeNode range:
                    Range(range, dot, scope);
                    break;
            }
        }
    }

    private void Range(RangeNode range, object? dot, Scope scope)
    {
        var over = Evaluate(range.Over with { Declared = [] }, dot, scope);
        var items = over switch
        {
            null => [],
            string => throw new AlertTemplateException($"{range.Over.Where}: range can't iterate over {over}"),
            TemplateMap map => map.Select(p => ((object?)p.Key, (object?)p.Value)).ToList(),
            IDictionary dictionary => dictionary.Keys.Cast<object>().OrderBy(k => k.ToString(), StringComparer.Ordinal).Select(k => ((object?)k, dictionary[k])).ToList(),
            IEnumerable list => list.Cast<object?>().Select((v, i) => ((object?)i, v)).ToList(),
            _ => throw new AlertTemplateException($"{range.Over.Where}: range can't iterate over {TemplateText.Print(over)}"),
        };
        if (items.Count == 0)
        {
            Walk(range.Else, dot, new Scope(scope));
            return;
        }

        foreach (var (key, item) in items)
        {
            var inner = new Scope(scope);
            switch (range.Over.Declared.Count)
            {
                case 1:
                    inner.Declare(range.Over.Declared[0], item);
                    break;
                case 2:
                    inner.Declare(range.Over.Declared[0], key);
                    inner.Declare(range.Over.Declared[1], item);
                    break;
            }

            Walk(range.Body, item, inner);
        }
    }

    private object? Evaluate(TemplatePipeline pipeline, object? dot, Scope scope)
    {
        object? value = null;
        var piped = false;
        foreach (var command in pipeline.Commands)
        {
            value = Command(command, dot, scope, piped, value, pipeline.Where);
            piped = true;
        }

        foreach (var name in pipeline.Declared)
        {
            if (pipeline.Assigns)
            {
                scope.Assign(name, value, pipeline.Where);
            }
            else
            {
                scope.Declare(name, value);
            }
        }

        return value;
    }

    private object? Command(TemplateCommand command, object? dot, Scope scope, bool piped, object? input, string where)
    {
        if (command.Operands[0] is FunctionOperand function)
        {
            var arguments = command.Operands.Skip(1).Select(o => Operand(o, dot, scope, where)).ToList();
            if (piped)
            {
                arguments.Add(input);
            }

            return TemplateFunctions.Call(function.Name, arguments, where);
        }

        if (command.Operands.Count > 1 || piped)
        {
            throw new AlertTemplateException($"{where}: can't give argument to non-function {Describe(command.Operands[0])}");
        }

        return Operand(command.Operands[0], dot, scope, where);
    }

    private object? Operand(TemplateOperand operand, object? dot, Scope scope, string where) => operand switch
    {
        LiteralOperand literal => literal.Value,
        FieldOperand field => Fields(field.Variable is null ? dot : scope.Get(field.Variable, where), field.Path, where),
        NestedOperand nested => Fields(Evaluate(nested.Pipeline, dot, scope), nested.Path, where),
        FunctionOperand function => TemplateFunctions.Call(function.Name, [], where),
        _ => null,
    };

    private static object? Fields(object? value, IReadOnlyList<string> path, string where)
    {
        foreach (var name in path)
        {
            value = value switch
            {
                null => null,
                ITemplateFields fields => fields.TryGetField(name, out var found) ? found
                    : throw new AlertTemplateException($"{where}: can't evaluate field {name}"),
                IReadOnlyDictionary<string, object?> map => map.GetValueOrDefault(name),
                IReadOnlyDictionary<string, string> map => map.GetValueOrDefault(name) ?? "",
                _ => throw new AlertTemplateException($"{where}: can't evaluate field {name} in type {TypeName(value)}"),
            };
        }

        return value;
    }

    private static string TypeName(object value) => value switch
    {
        string => "string",
        double => "float64",
        bool => "bool",
        _ => value.GetType().Name,
    };

    private static string Describe(TemplateOperand operand) => operand switch
    {
        FieldOperand f => (f.Variable ?? "") + (f.Path.Count == 0 && f.Variable is null ? "." : string.Concat(f.Path.Select(p => "." + p))),
        LiteralOperand l => TemplateText.Print(l.Value),
        _ => "value",
    };

    private void Write(string text)
    {
        if (_output.Length + text.Length > AlertTemplate.MaxOutput)
        {
            throw new AlertTemplateException($"the output is longer than {AlertTemplate.MaxOutput:N0} characters");
        }

        _output.Append(text);
    }

    private sealed class Scope(Scope? parent)
    {
        private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

        public void Declare(string name, object? value) => _values[name] = value;

        public void Assign(string name, object? value, string where)
        {
            for (var scope = this; scope is not null; scope = scope.Parent)
            {
                if (scope._values.ContainsKey(name))
                {
                    scope._values[name] = value;
                    return;
                }
            }

            throw new AlertTemplateException($"{where}: undefined variable: {name}");
        }

        public object? Get(string name, string where)
        {
            for (var scope = this; scope is not null; scope = scope.Parent)
            {
                if (scope._values.TryGetValue(name, out var value))
                {
                    return value;
                }
            }

            throw new AlertTemplateException($"{where}: undefined variable: {name}");
        }

        private Scope? Parent => parent;
    }
}
