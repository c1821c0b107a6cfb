using System.Text;
using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary>
/// <c>| logfmt</c> read as Loki 2.8 reads it: <c>key=value</c>, <c>key="quoted value"</c>, and a bare <c>key</c> or
/// <c>key=</c> as an empty label; keys are sanitised into label names (<c>app.py</c> becomes <c>app_py</c>). The first
/// malformed pair (a quote in a key, <c>=</c> or a quote inside an unquoted value, an unterminated quote) ends the
/// parse with <c>__error__="LogfmtParserErr"</c>, keeping what was read before it. <c>--strict</c> and
/// <c>--keep-empty</c> (newer Loki's flags) are accepted and describe that behaviour. The details panel reads lines
/// leniently instead (<paramref name="forDisplay"/>): malformed pairs and empty values are skipped, not errors.
/// </summary>
internal sealed class LogfmtParser(LogfmtParserStage stage, bool forDisplay = false) : IStage
{
    public const string Error = "LogfmtParserErr";

    // Keys repeat line after line: raw key -> label name, computed once. Short values are shared.
    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);
    private readonly StringPool _values = new(slots: 4096, maxLength: 24);

    private readonly Dictionary<string, string>? _wanted = stage.Extractions.Count == 0
        ? null
        : stage.Extractions.ToDictionary(e => e.Expression ?? e.Label, e => e.Label, StringComparer.Ordinal);

    public bool Process(long timestampNs, ref string line, LabelsBuilder labels)
    {
        var i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] <= ' ')
            {
                i++;
            }

            if (i >= line.Length)
            {
                break;
            }

            var keyStart = i;
            while (i < line.Length && line[i] > ' ' && line[i] is not ('=' or '"'))
            {
                i++;
            }

            var key = line.AsSpan(keyStart, i - keyStart);
            if (i < line.Length && (line[i] == '"' || key.Length == 0))
            {
                if (!Malformed(labels, $"logfmt syntax error at pos {i + 1} : unexpected '{line[i]}'", ref i, line))
                {
                    return true;
                }

                continue;
            }

            if (i >= line.Length || line[i] != '=')
            {
                Emit(labels, key, "");
                continue;
            }

            i++; // '='
            string value;
            if (i >= line.Length || line[i] <= ' ')
            {
                value = "";
            }
            else if (line[i] == '"')
            {
                if (!TryReadQuoted(line, ref i, out value))
                {
                    if (!Malformed(labels, $"logfmt syntax error at pos {i + 1} : unterminated quoted value", ref i, line))
                    {
                        return true;
                    }

                    continue;
                }
            }
            else
            {
                var valueStart = i;
                while (i < line.Length && line[i] > ' ' && line[i] is not ('=' or '"'))
                {
                    i++;
                }

                if (i < line.Length && line[i] > ' ')
                {
                    if (!Malformed(labels, $"logfmt syntax error at pos {i + 1} : unexpected '{line[i]}'", ref i, line))
                    {
                        return true;
                    }

                    continue;
                }

                value = _values.Get(line.AsSpan(valueStart, i - valueStart));
            }

            Emit(labels, key, value);
        }

        return true;
    }

    private void Emit(LabelsBuilder labels, ReadOnlySpan<char> key, string value)
    {
        if (value.Length == 0 && forDisplay)
        {
            return;
        }

        if (_wanted is null)
        {
            var lookup = _labels.GetAlternateLookup<ReadOnlySpan<char>>();
            if (!lookup.TryGetValue(key, out var name))
            {
                name = JsonFlattener.Sanitize(key.ToString());
                if (_labels.Count < 10_000)
                {
                    _labels[key.ToString()] = name;
                }
            }

            labels.SetParsed(name, value);
        }
        else if (_wanted.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var label))
        {
            labels.SetParsed(label, value);
        }
    }

    /// <summary>Ends the parse with the error; for display, skips to the next space and carries on.</summary>
    private bool Malformed(LabelsBuilder labels, string detail, ref int i, string line)
    {
        if (!forDisplay)
        {
            labels.SetError(Error, detail);
            return false;
        }

        while (i < line.Length && line[i] > ' ')
        {
            i++;
        }

        return true;
    }

    private static bool TryReadQuoted(string line, ref int i, out string value)
    {
        var sb = new StringBuilder();
        i++;
        while (i < line.Length)
        {
            var c = line[i++];
            if (c == '"')
            {
                value = sb.ToString();
                return true;
            }

            if (c == '\\' && i < line.Length)
            {
                var e = line[i++];
                sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => e });
                continue;
            }

            sb.Append(c);
        }

        value = "";
        return false;
    }
}
