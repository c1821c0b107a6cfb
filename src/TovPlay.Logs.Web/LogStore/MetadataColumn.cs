using System.Text.Json;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>Structured metadata as the <c>entries.metadata</c> jsonb column holds it: an object of string values.</summary>
public static class MetadataColumn
{
    public static string Write(LabelSet metadata) =>
        JsonSerializer.Serialize(metadata.Pairs.ToDictionary(p => p.Key, p => p.Value));

    public static LabelSet Read(string json) =>
        LabelSet.From(JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []);

    /// <summary>The column at <paramref name="ordinal"/> of a row, null when the entry has none.</summary>
    public static LabelSet? Read(Npgsql.NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Read(reader.GetString(ordinal));
}
