using System.Globalization;
using System.Text;

namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>A LogQL duration (<c>5m</c>, <c>1h30m</c>, <c>250ms</c>), exact to the nanosecond.</summary>
public readonly record struct LogQLDuration(long Nanoseconds)
{
    private static readonly (string Unit, long Nanoseconds)[] s_units =
    [
        ("y", 365L * 24 * 3600 * 1_000_000_000), ("w", 7L * 24 * 3600 * 1_000_000_000), ("d", 24L * 3600 * 1_000_000_000),
        ("h", 3600L * 1_000_000_000), ("m", 60L * 1_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000), ("µs", 1_000), ("ns", 1),
    ];

    public TimeSpan ToTimeSpan() => TimeSpan.FromTicks(Nanoseconds / 100);

    public static LogQLDuration From(TimeSpan span) => new(span.Ticks * 100);

    public double TotalSeconds => Nanoseconds / 1e9;

    /// <summary>Parses Go/Prometheus syntax: one or more number+unit pairs (<c>1h30m</c>, <c>1.5s</c>), units ns us µs ms s m h d w y.</summary>
    public static bool TryParse(string text, out LogQLDuration duration)
    {
        duration = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        decimal total = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (i == start || !decimal.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            var unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.')
            {
                i++;
            }

            var unit = text[unitStart..i];
            var scale = s_units.FirstOrDefault(u => u.Unit == unit).Nanoseconds;
            if (scale == 0)
            {
                return false;
            }

            // Checked before multiplying: a product past decimal's range would throw, not fail.
            if (amount > (long.MaxValue - total) / scale)
            {
                return false;
            }

            total += amount * scale;
            if (total > long.MaxValue)
            {
                return false;
            }
        }

        duration = new LogQLDuration((long)decimal.Round(total));
        return true;
    }

    /// <summary>
    /// Ranges (<c>[5m]</c>) take Prometheus durations only: whole numbers with units y w d h m s ms, largest first
    /// (<c>1h30m</c>), as Loki does; fractions and ns/us are for label filters and offsets.
    /// </summary>
    public static bool IsPrometheusStyle(string text) => s_prometheus.IsMatch(text);

    private static readonly System.Text.RegularExpressions.Regex s_prometheus =
        new("^(?=.)([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>The canonical text: largest units first, no zero parts, never weeks or years (<c>1d2h</c>, <c>1s500ms</c>, <c>0s</c>).</summary>
    public override string ToString()
    {
        if (Nanoseconds == 0)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        var rest = Nanoseconds;
        foreach (var (unit, size) in s_units)
        {
            if (unit is "y" or "w" or "µs")
            {
                continue;
            }

            if (rest >= size)
            {
                sb.Append(rest / size).Append(unit);
                rest %= size;
            }
        }

        return sb.ToString();
    }
}
