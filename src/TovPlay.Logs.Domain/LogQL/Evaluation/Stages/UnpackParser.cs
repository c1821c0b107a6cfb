using System.Text.Json;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary><c>| unpack</c>: string fields of a JSON line become labels; the <c>_entry</c> field becomes the line.</summary>
internal sealed class UnpackParser : IStage
{
    public bool Process(long timestampNs, ref string line, LabelsBuilder labels)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                labels.SetError(JsonParser.Error, "unpack expects a JSON object");
                return true;
            }

            string? entry = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    continue;
                }

                if (property.Name == "_entry")
                {
                    entry = property.Value.GetString();
                }
                else
                {
                    labels.SetParsed(JsonFlattener.Sanitize(property.Name), property.Value.GetString()!);
                }
            }

            if (entry is not null)
            {
                line = entry;
            }
        }
        catch (JsonException ex)
        {
            labels.SetError(JsonParser.Error, ex.Message);
        }

        return true;
    }
}
