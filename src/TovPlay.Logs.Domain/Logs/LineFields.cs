using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

namespace TovPlay.Logs.Domain.Logs;

/// <summary>How a line's fields were read: the LogQL parser stage that would read them the same way.</summary>
public enum LineKind
{
    Plain,
    Json,
    Logfmt,
}

/// <summary>
/// The fields of one log line, as the LogQL <c>json</c> or <c>logfmt</c> stage would extract them (same flattening
/// and same label names), so a field clicked in the UI becomes a filter that matches exactly that field.
/// </summary>
public static class LineFields
{
    public static (LineKind Kind, IReadOnlyList<KeyValuePair<string, string>> Fields) Extract(string line)
    {
        if (line.AsSpan().TrimStart().StartsWith("{"))
        {
            var fields = new List<KeyValuePair<string, string>>();
            if (new JsonFlattener().Flatten(line, (name, value) => fields.Add(new(name, value))) is null)
            {
                return (LineKind.Json, fields);
            }
        }

        var labels = new LabelsBuilder();
        labels.Reset(LabelSet.Empty);
        var text = line;
        new LogfmtParser(new LogfmtParserStage(Strict: false, KeepEmpty: false, ValueList<LabelExtraction>.Empty), forDisplay: true).Process(0, ref text, labels);
        var pairs = labels.All().Where(p => !p.Key.StartsWith("__", StringComparison.Ordinal)).ToList();
        // Any text has a "word" logfmt would accept as a key without value: only key=value pairs make it logfmt.
        return pairs.Count > 0 && line.Contains('=', StringComparison.Ordinal) ? (LineKind.Logfmt, pairs) : (LineKind.Plain, []);
    }
}
