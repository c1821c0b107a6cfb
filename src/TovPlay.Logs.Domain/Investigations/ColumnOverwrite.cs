using System.Globalization;
using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Domain.Investigations;

/// <summary>
/// What an UPDATE did to one column over the rows read: on how many rows it changed, the values before and after (a
/// few, and how many different), and whether they are a secret (then only the change is said).
/// </summary>
public sealed record ColumnOverwrite(string Column, int Rows, IReadOnlyList<string> Before, int DistinctBefore, IReadOnlyList<string> After, int DistinctAfter, bool Secret)
{
    /// <summary>How many values of each side a sentence shows.</summary>
    public const int Shown = 3;

    /// <summary>The changed columns of an UPDATE's rows, the most changed first.</summary>
    public static IReadOnlyList<ColumnOverwrite> Of(IReadOnlyList<RowChange> changes, CredentialColumns credentials) =>
        [.. changes.Where(c => c.Before is not null && c.After is not null)
            .SelectMany(c => c.Columns.Where(col => col.Changed))
            .GroupBy(col => col.Name)
            .Select(g =>
            {
                var before = g.Select(c => c.Before ?? "null").GroupBy(v => v).OrderByDescending(v => v.Count()).Select(v => v.Key).ToList();
                var after = g.Select(c => c.After ?? "null").GroupBy(v => v).OrderByDescending(v => v.Count()).Select(v => v.Key).ToList();
                return new ColumnOverwrite(g.Key, g.Count(), [.. before.Take(Shown)], before.Count, [.. after.Take(Shown)], after.Count, credentials.IsSecret(g.Key));
            })
            .OrderByDescending(c => c.Rows).ThenBy(c => c.Column, StringComparer.Ordinal)];

    /// <summary>"balance_cents on 1,000 row(s): before, 412 different values (1250, 980, 3400, …); after, 0 on every one".</summary>
    public string Describe()
    {
        var rows = Rows.ToString("N0", CultureInfo.InvariantCulture);
        if (Secret)
        {
            return $"{Column} on {rows} row(s): changed (a secret: its values are not shown)";
        }

        return $"{Column} on {rows} row(s): before, {Values(Before, DistinctBefore)}; after, {Values(After, DistinctAfter)}";
    }

    private string Values(IReadOnlyList<string> shown, int distinct) => distinct switch
    {
        1 when Rows > 1 => $"{Short(shown[0])} on every one",
        1 => Short(shown[0]),
        _ => string.Create(CultureInfo.InvariantCulture, $"{distinct:N0} different values ({string.Join(", ", shown.Select(Short))}{(distinct > shown.Count ? ", …" : "")})"),
    };

    private static string Short(string json) => json.Length <= 60 ? json : json[..60] + "…";
}
