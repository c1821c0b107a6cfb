using System.Globalization;
using System.Text;
using TovPlay.Logs.Domain.LogQL.Parsing;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Templates;

/// <summary>
/// The Go-template subset of <c>line_format</c>/<c>label_format</c> (see <see cref="TemplateSyntax"/>), compiled once
/// and rendered per entry: literal text, and actions made of pipelines of commands, where each command's result
/// becomes the last argument of the next (<c>{{ .path | trimPrefix "/api" | upper }}</c>).
/// </summary>
internal sealed class LineTemplate
{
    private readonly object[] _parts; // string literal or Command[] pipeline

    private LineTemplate(object[] parts) => _parts = parts;

    public bool IsConstant => _parts.All(p => p is string);

    public static LineTemplate Compile(string template)
    {
        var parts = new List<object>();
        var i = 0;
        var text = new StringBuilder();
        while (i < template.Length)
        {
            var open = template.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                text.Append(template, i, template.Length - i);
                break;
            }

            var close = template.IndexOf("}}", open + 2, StringComparison.Ordinal);
            var action = template[(open + 2)..close];
            var literal = template[i..open];
            if (action.StartsWith('-'))
            {
                literal = literal.TrimEnd();
                action = action[1..];
            }

            text.Append(literal);
            i = close + 2;
            if (action.EndsWith('-'))
            {
                action = action[..^1];
                while (i < template.Length && char.IsWhiteSpace(template[i]))
                {
                    i++;
                }
            }

            if (text.Length > 0)
            {
                parts.Add(text.ToString());
                text.Clear();
            }

            parts.Add(ParsePipeline(action));
        }

        if (text.Length > 0)
        {
            parts.Add(text.ToString());
        }

        return new LineTemplate([.. parts]);
    }

    private static Command[] ParsePipeline(string action) =>
        [.. TemplateLexer.SplitPipes(action).Select(c => new Command([.. TemplateLexer.Words(c)]))];

    public string Render(Func<string, string?> label, string line, long timestampNs)
    {
        if (_parts.Length == 1 && _parts[0] is string only)
        {
            return only;
        }

        var sb = new StringBuilder();
        foreach (var part in _parts)
        {
            if (part is string literal)
            {
                sb.Append(literal);
                continue;
            }

            TemplateValue? value = null;
            foreach (var command in (Command[])part)
            {
                value = command.Run(label, line, timestampNs, value);
            }

            sb.Append(value?.Text);
        }

        return sb.ToString();
    }

    private sealed class Command(string[] words)
    {
        public TemplateValue Run(Func<string, string?> label, string line, long timestampNs, TemplateValue? piped)
        {
            var head = words[0];
            if (!TemplateSyntax.Functions.Contains(head))
            {
                return Value(head, label, line, timestampNs);
            }

            var args = words.Skip(1).Select(w => Value(w, label, line, timestampNs)).ToList();
            if (piped is { } value)
            {
                args.Add(value);
            }

            // Go's len is the one function here that returns a number rather than a string.
            return new TemplateValue(Functions.Call(head, args), IsNumber: head == "len");
        }

        private static TemplateValue Value(string word, Func<string, string?> label, string line, long timestampNs)
        {
            if (word.StartsWith('.'))
            {
                return new TemplateValue(label(word[1..]) ?? "", IsNumber: false);
            }

            return word switch
            {
                "__line__" => new TemplateValue(line, false),
                "__timestamp__" => new TemplateValue(GoTime(timestampNs), false),
                _ when word.StartsWith('"') => new TemplateValue(Unquote(word), false),
                _ when word.StartsWith('`') => new TemplateValue(word.Trim('`'), false),
                _ => new TemplateValue(word, IsNumber: double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out _)),
            };
        }

        private static string Unquote(string quoted)
        {
            var sb = new StringBuilder();
            for (var i = 1; i < quoted.Length - 1; i++)
            {
                if (quoted[i] == '\\' && i + 1 < quoted.Length - 1)
                {
                    var e = quoted[++i];
                    sb.Append(e switch { 'n' => '\n', 't' => '\t', _ => e });
                }
                else
                {
                    sb.Append(quoted[i]);
                }
            }

            return sb.ToString();
        }

        /// <summary>How Go prints a time.Time in UTC: <c>2026-11-26 10:30:00.123456789 +0000 UTC</c>.</summary>
        private static string GoTime(long ns)
        {
            var time = DateTimeOffset.UnixEpoch.AddTicks(ns / 100);
            var fraction = (ns % 1_000_000_000).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
            return time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : "") + " +0000 UTC";
        }
    }
}

/// <summary>
/// A value in a template: labels and quoted text are strings, number literals and <c>len</c> are numbers. The
/// difference shows in <c>printf</c>, where Go formats <c>%.1f</c> of a string as <c>%!f(string=…)</c>, not a number.
/// </summary>
internal readonly record struct TemplateValue(string Text, bool IsNumber);
