using System.Text.Json;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary>
/// <c>| unpack</c>: undoes promtail's <c>pack</c> stage. Only a JSON object with an <c>_entry</c> field was packed: its
/// other string fields become labels and <c>_entry</c> becomes the line. Any other JSON object is left as it is (as
/// Loki does); a line that is not a JSON object is a <c>JSONParserErr</c>.
/// </summary>
internal sealed class UnpackParser : IStage
{
    public bool Process(long timestampNs, ref string line, LabelsBuilder labels)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                labels.SetError(JsonParser.Error, "expecting json object, but it is not");
                return true;
            }

            if (!document.RootElement.TryGetProperty("_entry", out var entry) || entry.ValueKind != JsonValueKind.String)
            {
                return true;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String && property.Name != "_entry")
                {
                    labels.SetParsed(property.Name, property.Value.GetString()!);
                }
            }

            line = entry.GetString()!;
        }
        catch (JsonException ex)
        {
            labels.SetError(JsonParser.Error, ex.Message);
        }

        return true;
    }
}
