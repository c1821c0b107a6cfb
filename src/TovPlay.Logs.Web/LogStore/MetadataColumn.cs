using System.Text.Json;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>
/// Structured metadata as the row format of earlier versions kept it (<c>entries.metadata</c>, a jsonb object of
/// string values); read only when <see cref="RowFormatMigration"/> moves such a store into chunks.
/// </summary>
public static class MetadataColumn
{
    /// <summary>The column at <paramref name="ordinal"/> of a row, null when the entry has none.</summary>
    public static LabelSet? Read(Npgsql.NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : LabelSet.From(JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(ordinal)) ?? []);
}
