using System.Globalization;
using System.Text;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Templates;

/// <summary>The template functions, with Go's argument order (the piped value comes last).</summary>
internal static class Functions
{
    public static string Call(string name, IReadOnlyList<TemplateValue> values)
    {
        var a = values.Select(v => v.Text).ToList();
        string Arg(int i) => i < a.Count ? a[i] : throw new EvaluationException($"template function {name} needs {i + 1} argument(s), got {a.Count}");
        int Int(int i) => int.TryParse(Arg(i), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
            : throw new EvaluationException($"template function {name}: \"{Arg(i)}\" is not a whole number");
        string Last() => a.Count > 0 ? a[^1] : throw new EvaluationException($"template function {name} needs an argument");

        return name switch
        {
            "ToUpper" or "upper" => Last().ToUpperInvariant(),
            "ToLower" or "lower" => Last().ToLowerInvariant(),
            "title" => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(Last()),
            "trim" or "trimSpace" => Last().Trim(),
            "trimPrefix" => Arg(1).StartsWith(Arg(0), StringComparison.Ordinal) ? Arg(1)[Arg(0).Length..] : Arg(1),
            "trimSuffix" => Arg(1).EndsWith(Arg(0), StringComparison.Ordinal) ? Arg(1)[..^Arg(0).Length] : Arg(1),
            "replace" => Arg(0).Length == 0 ? Arg(2) : Arg(2).Replace(Arg(0), Arg(1), StringComparison.Ordinal),
            "substr" => Substr(Arg(2), Int(0), Int(1)),
            "trunc" => Int(0) >= 0 ? Arg(1)[..Math.Min(Int(0), Arg(1).Length)] : Arg(1)[Math.Max(0, Arg(1).Length + Int(0))..],
            "default" => a.Count < 2 || a[1].Length == 0 ? Arg(0) : a[1],
            "len" => Last().Length.ToString(CultureInfo.InvariantCulture),
            "repeat" => string.Concat(Enumerable.Repeat(Arg(1), Math.Max(0, Int(0)))),
            "contains" => Bool(Arg(1).Contains(Arg(0), StringComparison.Ordinal)),
            "hasPrefix" => Bool(Arg(1).StartsWith(Arg(0), StringComparison.Ordinal)),
            "hasSuffix" => Bool(Arg(1).EndsWith(Arg(0), StringComparison.Ordinal)),
            "urlencode" => Uri.EscapeDataString(Last()),
            "urldecode" => Uri.UnescapeDataString(Last()),
            "printf" => Printf(Arg(0), [.. values.Skip(1)]),
            _ => throw new EvaluationException($"template function {name} is not supported"),
        };
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Substr(string s, int start, int end)
    {
        start = Math.Clamp(start, 0, s.Length);
        end = end < 0 || end > s.Length ? s.Length : end;
        return end <= start ? "" : s[start..end];
    }

    /// <summary>
    /// Go's printf for the verbs logs need: %s %v %d %q %f %.Nf %%. A label is a string to Go, so a number verb on
    /// it prints Go's complaint, <c>%!f(string=…)</c> (the precision then cuts the string, as Go does).
    /// </summary>
    internal static string Printf(string format, IReadOnlyList<TemplateValue> args)
    {
        var sb = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }

            var j = i + 1;
            var zeroPad = false;
            var leftAlign = false;
            while (j < format.Length && format[j] is '0' or '-')
            {
                zeroPad |= format[j] == '0';
                leftAlign |= format[j] == '-';
                j++;
            }

            var widthStart = j;
            while (j < format.Length && char.IsAsciiDigit(format[j]))
            {
                j++;
            }

            var width = j > widthStart ? int.Parse(format.AsSpan(widthStart, j - widthStart), CultureInfo.InvariantCulture) : 0;
            var precision = -1;
            if (format[j] == '.')
            {
                var start = ++j;
                while (j < format.Length && char.IsAsciiDigit(format[j]))
                {
                    j++;
                }

                precision = int.Parse(format.AsSpan(start, j - start), CultureInfo.InvariantCulture);
            }

            if (j >= format.Length)
            {
                break;
            }

            var verb = format[j];
            i = j;
            if (verb == '%')
            {
                sb.Append('%');
                continue;
            }

            if (next >= args.Count)
            {
                sb.Append("%!").Append(verb).Append("(MISSING)");
                continue;
            }

            var (arg, isNumber) = args[next++];
            var number = isNumber & double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out var d);
            var text = verb switch
            {
                'd' when number => ((long)d).ToString(CultureInfo.InvariantCulture),
                'f' when number => d.ToString("F" + (precision < 0 ? 6 : precision).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
                'q' => LogQL.Printing.LogQLPrinter.Quote(arg),
                's' or 'v' => precision >= 0 && precision < arg.Length ? arg[..precision] : arg,
                _ when number => $"%!{verb}(float64={arg})",
                _ => $"%!{verb}(string={(precision >= 0 && precision < arg.Length ? arg[..precision] : arg)})",
            };
            if (text.Length < width)
            {
                var pad = width - text.Length;
                text = leftAlign ? text + new string(' ', pad)
                    : zeroPad && verb is 'd' or 'f' ? (text.StartsWith('-') ? "-" + new string('0', pad) + text[1..] : new string('0', pad) + text)
                    : new string(' ', pad) + text;
            }

            sb.Append(text);
        }

        return sb.ToString();
    }
}
