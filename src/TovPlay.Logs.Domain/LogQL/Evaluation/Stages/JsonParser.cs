using System.Text.Json;
using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary>
/// <c>| json</c>: every field as a label; <c>| json a="x.y", b</c>: only the named ones, read by path
/// (<c>user.id</c>, <c>items[0]</c>, <c>["key with space"]</c>).
/// </summary>
internal sealed class JsonParser : IUtf8Stage
{
    public const string Error = "JSONParserErr";

    private readonly (string Label, JsonPath Path)[] _extractions;
    private readonly JsonFlattener _flattener;
    private readonly Utf8JsonFlattener _utf8;

    /// <param name="wanted">
    /// For <c>| json</c> without parameters: the only fields later stages read, or null for all. The whole line is
    /// still checked, so an invalid line gets the same error either way.
    /// </param>
    public JsonParser(JsonParserStage stage, string[]? wanted = null)
    {
        _extractions = [.. stage.Extractions.Select(e => (e.Label, JsonPath.Parse(e.Expression ?? e.Label)))];
        _flattener = new JsonFlattener(wanted);
        _utf8 = new Utf8JsonFlattener(wanted);
    }

    public bool ReadsUtf8 => _extractions.Length == 0;

    public bool? ProcessUtf8(long timestampNs, ReadOnlySpan<byte> line, LabelsBuilder labels) =>
        _utf8.TryFlatten(line, labels.ParsedSink) ? true : null;

    public bool Process(long timestampNs, ref string line, LabelsBuilder labels)
    {
        if (_extractions.Length == 0)
        {
            var error = _flattener.Flatten(line, labels.ParsedSink);
            if (error is not null)
            {
                labels.SetError(Error, error);
            }

            return true;
        }

        // As Loki: an invalid line is an error without details; a path the line lacks is an empty label.
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            labels.SetError(Error);
            return true;
        }

        using (document)
        {
            foreach (var (label, path) in _extractions)
            {
                var value = path.Find(document.RootElement);
                labels.SetParsed(label, value switch
                {
                    null => "",
                    { ValueKind: JsonValueKind.String } text => text.GetString()!,
                    { } other => other.GetRawText(),
                });
            }
        }

        return true;
    }
}

/// <summary>A json extraction expression: field names, <c>[n]</c> indexes and <c>["quoted keys"]</c>.</summary>
internal sealed class JsonPath
{
    private readonly object[] _steps;

    private JsonPath(object[] steps) => _steps = steps;

    public static JsonPath Parse(string expression)
    {
        var steps = new List<object>();
        var i = 0;
        while (i < expression.Length)
        {
            if (expression[i] == '.')
            {
                i++;
            }
            else if (expression[i] == '[')
            {
                var end = expression.IndexOf(']', i);
                var inner = expression[(i + 1)..(end < 0 ? expression.Length : end)].Trim();
                steps.Add(int.TryParse(inner, out var index) ? index : inner.Trim('"'));
                i = end < 0 ? expression.Length : end + 1;
            }
            else
            {
                var start = i;
                while (i < expression.Length && expression[i] is not ('.' or '['))
                {
                    i++;
                }

                steps.Add(expression[start..i]);
            }
        }

        return new JsonPath([.. steps]);
    }

    public JsonElement? Find(JsonElement root)
    {
        var current = root;
        foreach (var step in _steps)
        {
            if (step is int index)
            {
                if (current.ValueKind != JsonValueKind.Array || index >= current.GetArrayLength())
                {
                    return null;
                }

                current = current[index];
            }
            else if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty((string)step, out current))
            {
                return null;
            }
        }

        return current.ValueKind == JsonValueKind.Null ? null : current;
    }
}
