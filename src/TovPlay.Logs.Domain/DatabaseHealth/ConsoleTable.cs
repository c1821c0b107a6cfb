using System.Globalization;

namespace TovPlay.Logs.Domain.DatabaseHealth;

/// <summary>
/// An answer of PgBouncer's admin console (<c>SHOW POOLS</c>, <c>SHOW STATS</c>, <c>SHOW CLIENTS</c>): columns and
/// rows of text, read by column name, since each PgBouncer version adds columns of its own.
/// </summary>
public sealed class ConsoleTable(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<string?>> rows)
{
    public IReadOnlyList<string> Columns { get; } = columns;

    public IReadOnlyList<IReadOnlyList<string?>> Rows { get; } = rows;

    public IEnumerable<ConsoleRow> Each() => Rows.Select(r => new ConsoleRow(this, r));

    public int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i], column, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>One row of a <see cref="ConsoleTable"/>; a column the version lacks reads as null (or 0).</summary>
public readonly record struct ConsoleRow(ConsoleTable Table, IReadOnlyList<string?> Values)
{
    public string? Text(string column) => Table.IndexOf(column) is var i and >= 0 && i < Values.Count ? Values[i] : null;

    public long Number(string column) => long.TryParse(Text(column), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
