using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary>
/// <c>| pattern "&lt;ip&gt; - - &lt;_&gt; \"&lt;method&gt; ..."</c>: literals must appear in order from the start of the line;
/// each capture takes the text up to the next literal (the last one, the rest of the line). No match adds nothing.
/// </summary>
internal sealed class PatternParser : IStage
{
    private readonly (string? Literal, string? Capture)[] _parts;

    public PatternParser(PatternParserStage stage)
    {
        var parts = new List<(string?, string?)>();
        var text = stage.Pattern;
        var i = 0;
        var literal = new System.Text.StringBuilder();
        while (i < text.Length)
        {
            var end = text[i] == '<' ? text.IndexOf('>', i + 1) : -1;
            var name = end > i ? text[(i + 1)..end] : null;
            if (name is not null && (name == "_" || (name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))))
            {
                if (literal.Length > 0)
                {
                    parts.Add((literal.ToString(), null));
                    literal.Clear();
                }

                parts.Add((null, name));
                i = end + 1;
                continue;
            }

            literal.Append(text[i++]);
        }

        if (literal.Length > 0)
        {
            parts.Add((literal.ToString(), null));
        }

        _parts = [.. parts];
    }

    public bool Process(long timestampNs, ref string line, LabelsBuilder labels)
    {
        Span<(int Start, int Length)> captures = stackalloc (int, int)[_parts.Length];
        var pos = 0;
        for (var p = 0; p < _parts.Length; p++)
        {
            var literal = _parts[p].Literal;
            if (literal is not null)
            {
                if (p == 0)
                {
                    if (!line.AsSpan(pos).StartsWith(literal, StringComparison.Ordinal))
                    {
                        return true;
                    }

                    pos += literal.Length;
                }

                continue;
            }

            var next = p + 1 < _parts.Length ? _parts[p + 1].Literal : null;
            if (next is null)
            {
                captures[p] = (pos, line.Length - pos);
                pos = line.Length;
                continue;
            }

            var at = line.IndexOf(next, pos, StringComparison.Ordinal);
            if (at < 0)
            {
                return true;
            }

            captures[p] = (pos, at - pos);
            pos = at + next.Length;
            p++; // the literal is consumed
        }

        for (var p = 0; p < _parts.Length; p++)
        {
            if (_parts[p].Capture is { } name && name != "_")
            {
                labels.SetParsed(name, line.Substring(captures[p].Start, captures[p].Length));
            }
        }

        return true;
    }
}
