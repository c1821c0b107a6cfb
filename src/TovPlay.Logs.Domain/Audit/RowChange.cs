using System.Text.Json;

namespace TovPlay.Logs.Domain.Audit;

/// <summary>One row image the trail kept: 'O' (before) or 'N' (after), numbered so an UPDATE's halves pair up.</summary>
public sealed record RowImage(long StatementId, char Image, int Ordinal, string Json);

/// <summary>A column of a row change: its value before and after (JSON text, null when that half is missing).</summary>
public sealed record ColumnChange(string Name, string? Before, string? After)
{
    public bool Changed => Before != After;
}

/// <summary>
/// What one statement did to one row: before and after images (an INSERT has no before, a DELETE no after; an UPDATE
/// that changed the key has both, under different keys), column by column, with the changed columns marked.
/// </summary>
public sealed record RowChange(long StatementId, int Ordinal, string? Before, string? After)
{
    public IReadOnlyList<ColumnChange> Columns
    {
        get
        {
            var before = Values(Before);
            var after = Values(After);
            var names = before.Keys.Concat(after.Keys).Distinct();
            return [.. names.Select(n => new ColumnChange(n, before.GetValueOrDefault(n), after.GetValueOrDefault(n)))];
        }
    }

    public IReadOnlyList<string> ChangedColumns => Before is null || After is null ? [] : [.. Columns.Where(c => c.Changed).Select(c => c.Name)];

    /// <summary>Pairs images into changes: an UPDATE's by ordinal, every other image on its own, in statement then ordinal order.</summary>
    public static IReadOnlyList<RowChange> Pair(IEnumerable<RowImage> images)
    {
        var changes = new List<RowChange>();
        foreach (var statement in images.GroupBy(i => i.StatementId).OrderBy(g => g.Key))
        {
            // Ordinal 0: images of a statement without pairs (INSERT, DELETE, TRUNCATE); each is its own change.
            foreach (var single in statement.Where(i => i.Ordinal == 0))
            {
                changes.Add(single.Image == 'O' ? new RowChange(statement.Key, 0, single.Json, null) : new RowChange(statement.Key, 0, null, single.Json));
            }

            foreach (var pair in statement.Where(i => i.Ordinal > 0).GroupBy(i => i.Ordinal).OrderBy(g => g.Key))
            {
                changes.Add(new RowChange(statement.Key, pair.Key, pair.FirstOrDefault(i => i.Image == 'O')?.Json, pair.FirstOrDefault(i => i.Image == 'N')?.Json));
            }
        }

        return changes;
    }

    /// <summary>The JSON object of the given key columns in this change's after image (else its before image), for finding the row's history.</summary>
    public string? Key(IReadOnlyList<string> keyColumns)
    {
        var values = Values(After ?? Before);
        if (keyColumns.Count == 0 || !keyColumns.All(values.ContainsKey))
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var column in keyColumns)
            {
                json.WritePropertyName(column);
                using var value = JsonDocument.Parse(values[column]);
                value.WriteTo(json);
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// An image's table values in one canonical text (columns sorted, the trail's own left out), so images of the
    /// same row state compare equal whichever statement kept them.
    /// </summary>
    public static string Canonical(string json) =>
        string.Join('\u001f', Values(json).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));

    private static Dictionary<string, string> Values(string? json)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json is null)
        {
            return values;
        }

        using var document = JsonDocument.Parse(json);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            // A shadow row read whole carries the trail's own columns too; they are not the table's.
            if (!AuditSql.ShadowColumns.Contains(property.Name))
            {
                values[property.Name] = property.Value.GetRawText();
            }
        }

        return values;
    }
}
