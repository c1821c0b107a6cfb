using System.Text;
using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary>
/// <c>| logfmt</c>: <c>key=value key2="quoted value" flag</c>. Without <c>--strict</c> a malformed pair is skipped and
/// parsing goes on; with it the entry gets <c>__error__="LogfmtParserErr"</c>. Bare keys are kept only with <c>--keep-empty</c>.
/// </summary>
internal sealed class LogfmtParser(LogfmtParserStage stage) : IStage
{
    public const string Error = "LogfmtParserErr";

    // Keys repeat line after line: raw key -> label name, computed once. Short values are shared.
    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);
    private readonly StringPool _values = new(maxEntries: 4096, maxLength: 24);

    private readonly Dictionary<string, string>? _wanted = stage.Extractions.Count == 0
        ? null
        : stage.Extractions.ToDictionary(e => e.Expression ?? e.Label, e => e.Label, StringComparer.Ordinal);

    public bool Process(long timestampNs, ref string line, LabelsBuilder labels)
    {
        var i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] is ' ' or '\t')
            {
                i++;
            }

            if (i >= line.Length)
            {
                break;
            }

            var keyStart = i;
            while (i < line.Length && line[i] is not (' ' or '\t' or '=' or '"'))
            {
                i++;
            }

            var key = line.AsSpan(keyStart, i - keyStart);
            if (key.Length == 0)
            {
                if (!Fail(labels, $"logfmt syntax error at pos {i + 1}: unexpected '{line[i]}'", ref i, line))
                {
                    return true;
                }

                continue;
            }

            if (i >= line.Length || line[i] != '=')
            {
                if (stage.KeepEmpty)
                {
                    Emit(labels, key, "");
                }

                continue;
            }

            i++; // '='
            string value;
            if (i < line.Length && line[i] == '"')
            {
                if (!TryReadQuoted(line, ref i, out value))
                {
                    if (!Fail(labels, $"logfmt syntax error at pos {i + 1}: unterminated quoted value", ref i, line))
                    {
                        return true;
                    }

                    continue;
                }
            }
            else
            {
                var valueStart = i;
                while (i < line.Length && line[i] is not (' ' or '\t'))
                {
                    i++;
                }

                value = _values.Get(line.AsSpan(valueStart, i - valueStart));
            }

            if (value.Length > 0 || stage.KeepEmpty)
            {
                Emit(labels, key, value);
            }
        }

        return true;
    }

    private void Emit(LabelsBuilder labels, ReadOnlySpan<char> key, string value)
    {
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

    /// <summary>Strict mode stops with an error; otherwise skip to the next space and carry on.</summary>
    private bool Fail(LabelsBuilder labels, string detail, ref int i, string line)
    {
        if (stage.Strict)
        {
            labels.SetError(Error, detail);
            return false;
        }

        while (i < line.Length && line[i] is not (' ' or '\t'))
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
