using System.Collections;
using System.Globalization;
using System.Text;

namespace TovPlay.Logs.Domain.Alerting.Templates;

/// <summary>A value whose fields a template reads by name (<c>.Firing</c> of the alerts, <c>.SortedPairs</c> of labels).</summary>
public interface ITemplateFields
{
    bool TryGetField(string name, out object? value);
}

/// <summary>
/// Labels or annotations as templates see them: <c>.name</c> is the value ("" when missing, as Go gives for a string
/// map), and Alertmanager's <c>.SortedPairs</c>, <c>.Names</c>, <c>.Values</c> and <c>.Remove</c>-free helpers.
/// </summary>
public sealed class TemplateMap(IReadOnlyList<KeyValuePair<string, string>> pairs) : ITemplateFields, IEnumerable<KeyValuePair<string, string>>
{
    private readonly IReadOnlyList<KeyValuePair<string, string>> _pairs = [.. pairs.OrderBy(p => p.Key, StringComparer.Ordinal)];

    public static TemplateMap Empty { get; } = new([]);

    public int Count => _pairs.Count;

    public string this[string name] => _pairs.FirstOrDefault(p => p.Key == name).Value ?? "";

    public bool TryGetField(string name, out object? value)
    {
        foreach (var pair in _pairs)
        {
            if (pair.Key == name)
            {
                value = pair.Value;
                return true;
            }
        }

        value = name switch
        {
            "SortedPairs" => _pairs.Select(p => (object?)new TemplateRecord(("Name", p.Key), ("Value", p.Value))).ToList(),
            "Names" => _pairs.Select(p => (object?)p.Key).ToList(),
            "Values" => _pairs.Select(p => (object?)p.Value).ToList(),
            _ => "",
        };
        return true;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _pairs.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => "map[" + string.Join(" ", _pairs.Select(p => p.Key + ":" + p.Value)) + "]";
}

/// <summary>A record of named fields (an alert, a notification), missing fields being errors as for a Go struct.</summary>
public sealed class TemplateRecord(params (string Name, object? Value)[] fields) : ITemplateFields
{
    private readonly Dictionary<string, object?> _fields = fields.ToDictionary(f => f.Name, f => f.Value, StringComparer.Ordinal);

    public bool TryGetField(string name, out object? value) => _fields.TryGetValue(name, out value);

    public override string ToString() => "{" + string.Join(" ", _fields.Values.Select(v => TemplateText.Print(v))) + "}";
}

/// <summary>A list of alerts with Alertmanager's <c>.Firing</c> and <c>.Resolved</c>.</summary>
public sealed class TemplateAlertList(IReadOnlyList<TemplateRecord> alerts) : IReadOnlyList<object?>, ITemplateFields
{
    public int Count => alerts.Count;

    public object? this[int index] => alerts[index];

    public bool TryGetField(string name, out object? value)
    {
        value = name switch
        {
            "Firing" => new TemplateAlertList([.. alerts.Where(a => Status(a) == "firing")]),
            "Resolved" => new TemplateAlertList([.. alerts.Where(a => Status(a) == "resolved")]),
            _ => null,
        };
        return value is not null;
    }

    public IEnumerator<object?> GetEnumerator() => alerts.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static string? Status(TemplateRecord alert) => alert.TryGetField("Status", out var s) ? s as string : null;
}

/// <summary>How Go's templates print values.</summary>
public static class TemplateText
{
    public static string Print(object? value) => value switch
    {
        null => "<no value>",
        string s => s,
        bool b => b ? "true" : "false",
        double d => GoFloat(d),
        int or long => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        DateTimeOffset t => GoTime(t),
        TimeSpan span => GoDuration(span),
        TemplateMap or TemplateRecord => value.ToString()!,
        IEnumerable list => "[" + string.Join(" ", list.Cast<object?>().Select(Print)) + "]",
        _ => value.ToString() ?? "",
    };

    /// <summary>
    /// Go's <c>%v</c> of a float64: the shortest digits that read back, in exponent form when the exponent is below -4
    /// or at least 6 (<c>1e+06</c>, <c>1.234567e+06</c>, <c>0.0001</c>, <c>1e-05</c>).
    /// </summary>
    public static string GoFloat(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        if (value == 0)
        {
            return "0";
        }

        // "R" gives the shortest round-trip digits; rebuild them as Go lays them out.
        var round = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var e = round.IndexOf('E', StringComparison.Ordinal);
        var mantissa = e < 0 ? round : round[..e];
        var shift = e < 0 ? 0 : int.Parse(round[(e + 1)..], CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var dp = (point < 0 ? mantissa.Length : point) + shift;
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        dp -= leading;
        var exponent = dp - 1;
        var sign = value < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 6)
        {
            var frac = digits.Length > 1 ? "." + digits[1..] : "";
            return $"{sign}{digits[0]}{frac}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }

        if (dp <= 0)
        {
            return sign + "0." + new string('0', -dp) + digits;
        }

        return dp >= digits.Length ? sign + digits + new string('0', dp - digits.Length) : sign + digits[..dp] + "." + digits[dp..];
    }

    /// <summary>How Go prints a time: <c>2026-12-04 10:00:00.5 +0000 UTC</c>.</summary>
    public static string GoTime(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        var fraction = (utc.Ticks % TimeSpan.TicksPerSecond).ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0');
        return utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : "") + " +0000 UTC";
    }

    /// <summary>Go's <c>time.Duration</c> text: <c>1h2m3s</c>, <c>1.5s</c>, <c>250ms</c>.</summary>
    public static string GoDuration(TimeSpan span)
    {
        if (span == TimeSpan.Zero)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        if (span < TimeSpan.Zero)
        {
            sb.Append('-');
            span = span.Negate();
        }

        if (span < TimeSpan.FromSeconds(1))
        {
            return sb.Append(GoFloat(span.TotalMilliseconds)).Append("ms").ToString();
        }

        var hours = (long)span.TotalHours;
        if (hours > 0)
        {
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || span.Minutes > 0)
        {
            sb.Append(span.Minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        var seconds = span.Seconds + ((span.Ticks % TimeSpan.TicksPerSecond) / (double)TimeSpan.TicksPerSecond);
        return sb.Append(GoFloat(seconds)).Append('s').ToString();
    }
}
