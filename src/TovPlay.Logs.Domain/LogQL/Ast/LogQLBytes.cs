using System.Globalization;

namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>A byte size in a label filter (<c>size > 1KB</c>, <c>20MiB</c>): decimal and binary units up to peta, written as Loki's lexer takes them.</summary>
public readonly record struct LogQLBytes(ulong Value)
{
    private static readonly (string Unit, ulong Size)[] s_units =
    [
        ("PIB", 1UL << 50), ("TIB", 1UL << 40), ("GIB", 1UL << 30), ("MIB", 1UL << 20), ("KIB", 1UL << 10),
        ("PB", 1_000_000_000_000_000), ("TB", 1_000_000_000_000), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000),
        ("P", 1_000_000_000_000_000), ("T", 1_000_000_000_000), ("G", 1_000_000_000), ("M", 1_000_000), ("K", 1_000),
        ("B", 1),
    ];

    // Largest first, binary and decimal interleaved: the print uses the biggest unit that divides exactly.
    private static readonly (string Print, ulong Size)[] s_printUnits =
    [
        ("PiB", 1UL << 50), ("PB", 1_000_000_000_000_000),
        ("TiB", 1UL << 40), ("TB", 1_000_000_000_000), ("GiB", 1UL << 30), ("GB", 1_000_000_000),
        ("MiB", 1UL << 20), ("MB", 1_000_000), ("KiB", 1UL << 10), ("KB", 1_000),
    ];

    public static bool TryParse(string text, out LogQLBytes bytes)
    {
        bytes = default;
        var i = 0;
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
        {
            i++;
        }

        if (i == 0 || !decimal.TryParse(text.AsSpan(0, i), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        // Loki's lexer takes only these letters in a size (so 1KB, 1kB, 1KiB, 1MB, but not 1mb).
        if (text[i..].Any(c => !"BikKMGTP".Contains(c, StringComparison.Ordinal)))
        {
            return false;
        }

        var unit = text[i..].ToUpperInvariant();
        var size = s_units.FirstOrDefault(u => u.Unit == unit).Size;
        if (size == 0)
        {
            return false;
        }

        // Checked before multiplying: a product past decimal's range would throw, not fail.
        if (amount > ulong.MaxValue / (decimal)size)
        {
            return false;
        }

        var total = amount * size;
        if (total > ulong.MaxValue)
        {
            return false;
        }

        bytes = new LogQLBytes((ulong)decimal.Round(total));
        return true;
    }

    /// <summary>The largest unit that divides exactly; else plain bytes.</summary>
    public override string ToString()
    {
        foreach (var (print, size) in s_printUnits)
        {
            if (Value >= size && Value % size == 0)
            {
                return (Value / size).ToString(CultureInfo.InvariantCulture) + print;
            }
        }

        return Value.ToString(CultureInfo.InvariantCulture) + "B";
    }
}
