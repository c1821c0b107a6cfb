using System.Text.Json;
using System.Text.Json.Serialization;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>The report as JSON: the export format and how a saved investigation keeps its snapshot.</summary>
public static class ReportJson
{
    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(InvestigationReport report) => JsonSerializer.Serialize(report, s_options);

    public static InvestigationReport Deserialize(string json) =>
        JsonSerializer.Deserialize<InvestigationReport>(json, s_options) ?? throw new JsonException("The report is empty.");
}
