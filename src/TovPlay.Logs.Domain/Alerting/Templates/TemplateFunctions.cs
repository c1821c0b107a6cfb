using System.Collections;
using System.Globalization;
using System.Net;
using TovPlay.Logs.Domain.LogQL.Evaluation.Templates;
using TovPlay.Logs.Domain.LogQL.Parsing;

namespace TovPlay.Logs.Domain.Alerting.Templates;

/// <summary>Go's template built-ins and the functions Prometheus and Alertmanager add, with Go's argument order.</summary>
internal static class TemplateFunctions
{
    private static readonly HashSet<string> s_names = new(StringComparer.Ordinal)
    {
        "and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "len", "index", "print", "printf", "println",
        "humanize", "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp",
        "toUpper", "toLower", "title", "trimSpace", "join", "safeHtml", "reReplaceAll", "match", "stripPort", "stripDomain",
        "urlquery", "first", "toTime",
    };

    public static bool Exists(string name) => s_names.Contains(name);

    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        double d => d != 0,
        int i => i != 0,
        long l => l != 0,
        TemplateMap map => map.Count > 0,
        ICollection collection => collection.Count > 0,
        IReadOnlyCollection<object?> list => list.Count > 0,
        _ => true,
    };

    public static object? Call(string name, IReadOnlyList<object?> a, string where)
    {
        object? Arg(int i) => i < a.Count ? a[i] : throw new AlertTemplateException($"{where}: wrong number of args for {name}: want at least {i + 1} got {a.Count}");
        string Text(int i) => Arg(i) is string s ? s : TemplateText.Print(Arg(i));
        double Number(int i) => ToNumber(Arg(i), name, where);

        return name switch
        {
            "and" => a.FirstOrDefault(v => !IsTrue(v), a.Count > 0 ? a[^1] : null),
            "or" => a.FirstOrDefault(IsTrue, a.Count > 0 ? a[^1] : null),
            "not" => !IsTrue(Arg(0)),
            "eq" => a.Skip(1).Any(v => Compare(Arg(0), v, where) == 0) || (a.Count < 2 ? throw new AlertTemplateException($"{where}: missing argument for comparison") : false),
            "ne" => Compare(Arg(0), Arg(1), where) != 0,
            "lt" => Compare(Arg(0), Arg(1), where) < 0,
            "le" => Compare(Arg(0), Arg(1), where) <= 0,
            "gt" => Compare(Arg(0), Arg(1), where) > 0,
            "ge" => Compare(Arg(0), Arg(1), where) >= 0,
            "len" => (double)Length(Arg(0), where),
            "index" => Index(Arg(0), a.Skip(1).ToList(), where),
            "print" => string.Concat(a.Select((v, i) => (i > 0 && v is not string && a[i - 1] is not string ? " " : "") + TemplateText.Print(v))),
            "println" => string.Join(" ", a.Select(TemplateText.Print)) + "\n",
            "printf" => Functions.Printf(Text(0), [.. a.Skip(1).Select(v => new TemplateValue(TemplateText.Print(v), v is double or int or long))]),
            "humanize" => Humanize(Number(0), 1000, ["k", "M", "G", "T", "P", "E", "Z", "Y"], ["m", "u", "n", "p", "f", "a", "z", "y"]),
            "humanize1024" => Humanize(Number(0), 1024, ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"], null),
            "humanizeDuration" => HumanizeDuration(Number(0)),
            "humanizePercentage" => GoG(Number(0) * 100, 4) + "%",
            "humanizeTimestamp" => TemplateText.GoTime(DateTimeOffset.UnixEpoch.AddTicks((long)(Number(0) * TimeSpan.TicksPerSecond))),
            "toTime" => DateTimeOffset.UnixEpoch.AddTicks((long)(Number(0) * TimeSpan.TicksPerSecond)),
            "toUpper" => Text(0).ToUpperInvariant(),
            "toLower" => Text(0).ToLowerInvariant(),
            "title" => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(Text(0)),
            "trimSpace" => Text(0).Trim(),
            "join" => string.Join(Text(0), Arg(1) is IEnumerable list and not string ? list.Cast<object?>().Select(TemplateText.Print) : [Text(1)]),
            "safeHtml" => Text(0),
            "reReplaceAll" => Regex(Text(0), where).Replace(Text(2), Text(1)),
            "match" => Regex(Text(0), where).IsMatch(Text(1)),
            "stripPort" => StripPort(Text(0)),
            "stripDomain" => StripDomain(Text(0)),
            "urlquery" => Uri.EscapeDataString(string.Concat(a.Select(TemplateText.Print))),
            "first" => Arg(0) is IEnumerable list and not string ? list.Cast<object?>().FirstOrDefault() : throw new AlertTemplateException($"{where}: first of a value that is not a list"),
            _ => throw new AlertTemplateException($"{where}: function \"{name}\" not defined"),
        };
    }

    private static double ToNumber(object? value, string name, string where) => value switch
    {
        double d => d,
        int i => i,
        long l => l,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => throw new AlertTemplateException($"{where}: {name}: can't convert {TemplateText.Print(value)} to a number"),
    };

    private static int Compare(object? left, object? right, string where)
    {
        if (left is double or int or long && right is double or int or long)
        {
            return Convert.ToDouble(left, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(right, CultureInfo.InvariantCulture));
        }

        if (left is string ls && right is string rs)
        {
            return string.CompareOrdinal(ls, rs);
        }

        if (left is bool lb && right is bool rb)
        {
            return lb == rb ? 0 : lb ? 1 : -1;
        }

        if (left is null || right is null)
        {
            return Equals(left, right) ? 0 : -1;
        }

        throw new AlertTemplateException($"{where}: incompatible types for comparison: {TemplateText.Print(left)} and {TemplateText.Print(right)}");
    }

    private static int Length(object? value, string where) => value switch
    {
        string s => s.Length,
        TemplateMap map => map.Count,
        ICollection c => c.Count,
        IReadOnlyCollection<object?> c => c.Count,
        _ => throw new AlertTemplateException($"{where}: len of {TemplateText.Print(value)}"),
    };

    private static object? Index(object? value, IReadOnlyList<object?> keys, string where)
    {
        foreach (var key in keys)
        {
            value = (value, key) switch
            {
                (TemplateMap map, string name) => map[name],
                (IReadOnlyDictionary<string, object?> map, string name) => map.GetValueOrDefault(name),
                (IReadOnlyList<object?> list, double i) when i >= 0 && i < list.Count => list[(int)i],
                (IReadOnlyList<object?>, double i) => throw new AlertTemplateException($"{where}: index out of range: {i}"),
                _ => throw new AlertTemplateException($"{where}: can't index {TemplateText.Print(value)} with {TemplateText.Print(key)}"),
            };
        }

        return value;
    }

    /// <summary>Prometheus' <c>humanize</c>: three significant-looking digits and an SI prefix (<c>1.235k</c>, <c>25m</c>).</summary>
    private static string Humanize(double v, double @base, string[] big, string[]? small)
    {
        if (v == 0 || double.IsNaN(v) || double.IsInfinity(v))
        {
            return GoG(v, 4);
        }

        var prefix = "";
        if (Math.Abs(v) >= 1)
        {
            foreach (var p in big)
            {
                if (Math.Abs(v) < @base)
                {
                    break;
                }

                prefix = p;
                v /= @base;
            }
        }
        else if (small is not null)
        {
            foreach (var p in small)
            {
                if (Math.Abs(v) >= 1)
                {
                    break;
                }

                prefix = p;
                v *= 1000;
            }
        }

        return GoG(v, 4) + prefix;
    }

    /// <summary>Prometheus' <c>humanizeDuration</c> of seconds: <c>1d 2h 3m 4s</c>, <c>2.5s</c>, <c>150ms</c>.</summary>
    private static string HumanizeDuration(double v)
    {
        if (double.IsNaN(v) || double.IsInfinity(v))
        {
            return GoG(v, 4);
        }

        if (Math.Abs(v) >= 1)
        {
            var sign = v < 0 ? "-" : "";
            v = Math.Abs(v);
            var seconds = (long)v % 60;
            var minutes = (long)v / 60 % 60;
            var hours = (long)v / 3600 % 24;
            var days = (long)v / 86400;
            return days != 0 ? $"{sign}{days}d {hours}h {minutes}m {seconds}s"
                : hours != 0 ? $"{sign}{hours}h {minutes}m {seconds}s"
                : minutes != 0 ? $"{sign}{minutes}m {seconds}s"
                : $"{sign}{GoG(v, 4)}s";
        }

        if (v == 0)
        {
            return "0s";
        }

        var prefix = "";
        foreach (var p in new[] { "m", "u", "n", "p", "f", "a", "z", "y" })
        {
            if (Math.Abs(v) >= 1)
            {
                break;
            }

            prefix = p;
            v *= 1000;
        }

        return GoG(v, 4) + prefix + "s";
    }

    /// <summary>Go's <c>%.Ng</c>: N significant digits, trailing zeros dropped, exponent form below 1e-4 or from 1eN.</summary>
    internal static string GoG(double v, int precision)
    {
        if (double.IsNaN(v))
        {
            return "NaN";
        }

        if (double.IsInfinity(v))
        {
            return v > 0 ? "+Inf" : "-Inf";
        }

        if (v == 0)
        {
            return "0";
        }

        var e = v.ToString("E" + (precision - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var mark = e.IndexOf('E', StringComparison.Ordinal);
        var exponent = int.Parse(e[(mark + 1)..], CultureInfo.InvariantCulture);
        var rounded = double.Parse(e, CultureInfo.InvariantCulture);
        if (exponent < -4 || exponent >= precision)
        {
            var mantissa = e[..mark];
            mantissa = mantissa.Contains('.', StringComparison.Ordinal) ? mantissa.TrimEnd('0').TrimEnd('.') : mantissa;
            return $"{mantissa}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }

        return rounded.ToString("0." + new string('#', Math.Max(0, precision - 1 - exponent)), CultureInfo.InvariantCulture);
    }

    private static System.Text.RegularExpressions.Regex Regex(string pattern, string where) =>
        RegexSyntax.TryCompile(pattern, out var regex, out var error) ? regex
            : throw new AlertTemplateException($"{where}: bad regular expression \"{pattern}\": {error}");

    private static string StripPort(string host)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out _) && !host.Contains("]:", StringComparison.Ordinal))
        {
            return host.Trim('[', ']');
        }

        var colon = host.LastIndexOf(':');
        return colon < 0 ? host : host[..colon].Trim('[', ']');
    }

    private static string StripDomain(string host)
    {
        var port = "";
        var colon = host.LastIndexOf(':');
        if (colon > 0 && !host.Contains('[', StringComparison.Ordinal))
        {
            port = host[colon..];
            host = host[..colon];
        }

        if (IPAddress.TryParse(host.Trim('[', ']'), out _))
        {
            return host + port;
        }

        var dot = host.IndexOf('.', StringComparison.Ordinal);
        return (dot < 0 ? host : host[..dot]) + port;
    }
}
