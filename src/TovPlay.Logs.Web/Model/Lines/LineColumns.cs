namespace TovPlay.Logs.Web.Model.Lines;

/// <summary>The fields a list shows as columns, as an address holds them: names separated by commas.</summary>
public static class LineColumns
{
    public const int MaxColumns = 8;
    public const int MaxNameLength = 100;

    /// <summary>Distinct names in order, within the limits; anything past them is left out.</summary>
    public static IReadOnlyList<string> Parse(string? text) =>
        [.. (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(c => c.Length <= MaxNameLength).Distinct(StringComparer.Ordinal).Take(MaxColumns)];

    /// <summary>The address form; null (no parameter) for none.</summary>
    public static string? Format(IReadOnlyList<string> columns) => columns.Count == 0 ? null : string.Join(',', columns);

    /// <summary>Names offered for columns: those of the first lines, labels first, in order of first sight.</summary>
    public static IReadOnlyList<string> Offered(IEnumerable<ListedLine> lines, int sample = 200) =>
        [.. lines.Take(sample).SelectMany(l => l.FieldNames).Distinct(StringComparer.Ordinal)];

    /// <summary>The columns with <paramref name="name"/> added, or removed when it is there.</summary>
    public static IReadOnlyList<string> Toggle(IReadOnlyList<string> columns, string name) =>
        columns.Contains(name) ? [.. columns.Where(c => c != name)] : columns.Count >= MaxColumns ? columns : [.. columns, name];
}
