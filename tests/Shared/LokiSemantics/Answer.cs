using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TovPlay.Logs.Tests.LokiSemantics;

/// <summary>
/// An answer in the form the fixture says to compare: the status; for an error its kind (the text before the first
/// <c>:</c>); otherwise the result type and its rows as a set: streams as (labels, timestamp, line), matrices as
/// (labels, t, value), vectors as (labels, value), values to 6 decimals. <c>__error_details__</c> holds Go library
/// messages, so only its presence counts.
/// </summary>
public sealed record Answer(int Status, string Kind, IReadOnlySet<string> Rows)
{
    public static Answer Error(int status, string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return new Answer(status, "error: " + (colon < 0 ? text.Trim() : text[..colon]), new HashSet<string>());
    }

    /// <summary>An answer in Loki's JSON (or its plain-text error), with the shift taken back out.</summary>
    public static Answer FromLoki(int status, string body, SemanticsShift shift)
    {
        if (status != 200)
        {
            return Error(status, body);
        }

        using var document = JsonDocument.Parse(body);
        var data = document.RootElement.GetProperty("data");
        var rows = new HashSet<string>(StringComparer.Ordinal);
        if (data.ValueKind == JsonValueKind.Array)
        {
            foreach (var series in data.EnumerateArray())
            {
                rows.Add(Labels(series, shift));
            }

            return new Answer(status, "series", rows);
        }

        var type = data.GetProperty("resultType").GetString()!;
        var result = data.GetProperty("result");
        switch (type)
        {
            case "streams":
                foreach (var stream in result.EnumerateArray())
                {
                    var labels = Labels(stream.GetProperty("stream"), shift);
                    foreach (var value in stream.GetProperty("values").EnumerateArray())
                    {
                        rows.Add(Row(labels, (long.Parse(value[0].GetString()!, CultureInfo.InvariantCulture) - shift.Ns).ToString(CultureInfo.InvariantCulture), value[1].GetString()!));
                    }
                }

                break;
            case "matrix":
                foreach (var series in result.EnumerateArray())
                {
                    var labels = Labels(series.GetProperty("metric"), shift);
                    foreach (var point in series.GetProperty("values").EnumerateArray())
                    {
                        rows.Add(Row(labels, Seconds(point[0], shift), Value(point[1].GetString()!)));
                    }
                }

                break;
            case "vector":
                foreach (var sample in result.EnumerateArray())
                {
                    rows.Add(Row(Labels(sample.GetProperty("metric"), shift), Value(sample.GetProperty("value")[1].GetString()!)));
                }

                break;
            case "scalar":
                rows.Add(Value(result[1].GetString()!));
                break;
            default:
                throw new InvalidOperationException($"unknown result type {type}");
        }

        return new Answer(status, type, rows);
    }

    public static string Row(params string[] parts) => string.Join(" | ", parts);

    /// <summary>Labels sorted by name as <c>{a="x", b="y"}</c>; <c>__error_details__</c> by presence only.</summary>
    public static string Labels(IEnumerable<KeyValuePair<string, string>> labels)
    {
        var text = new StringBuilder("{");
        foreach (var (name, value) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            if (text.Length > 1)
            {
                text.Append(", ");
            }

            text.Append(name).Append('=').Append(JsonSerializer.Serialize(name == "__error_details__" ? "…" : value));
        }

        return text.Append('}').ToString();
    }

    public static string Value(double value) =>
        double.IsFinite(value) ? Math.Round(value, 6).ToString("R", CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);

    public static string Value(string value) => Value(double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture));

    /// <summary>A step's time as whole nanoseconds (Loki writes seconds with up to millisecond decimals).</summary>
    private static string Seconds(JsonElement seconds, SemanticsShift shift) =>
        ((long)(decimal.Parse(seconds.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture) * 1_000_000_000m) - shift.Ns).ToString(CultureInfo.InvariantCulture);

    private static string Labels(JsonElement labels, SemanticsShift shift) =>
        Labels(labels.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, shift.Unlabel(p.Value.GetString()!))));

    /// <summary>What differs from <paramref name="expected"/>, for a failure message; null when they agree.</summary>
    public string? DifferenceFrom(Answer expected)
    {
        if (Status != expected.Status || Kind != expected.Kind)
        {
            return $"Loki: {expected.Status} {expected.Kind} ({expected.Rows.Count} rows); ours: {Status} {Kind} ({Rows.Count} rows)";
        }

        var missing = expected.Rows.Where(r => !Rows.Contains(r)).Order(StringComparer.Ordinal).ToList();
        var extra = Rows.Where(r => !expected.Rows.Contains(r)).Order(StringComparer.Ordinal).ToList();
        PairOffRoundingDifferences(missing, extra);
        if (missing.Count == 0 && extra.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder($"{Kind}: Loki has {expected.Rows.Count} rows, ours {Rows.Count}; {missing.Count} only in Loki's, {extra.Count} only in ours");
        foreach (var row in missing.Take(4))
        {
            text.Append("\n  Loki: ").Append(Shorten(row));
        }

        foreach (var row in extra.Take(4))
        {
            text.Append("\n  ours: ").Append(Shorten(row));
        }

        return text.ToString();
    }

    /// <summary>
    /// Takes out pairs of rows that differ only in a value's sixth decimal (a value halfway between two roundings,
    /// summed in another order): to 6 decimals they agree.
    /// </summary>
    private static void PairOffRoundingDifferences(List<string> missing, List<string> extra)
    {
        foreach (var row in missing.ToList())
        {
            if (Split(row) is not { } loki)
            {
                continue;
            }

            var twin = extra.FirstOrDefault(e => Split(e) is { } ours && ours.Key == loki.Key && Math.Abs(ours.Value - loki.Value) <= 1.5e-6);
            if (twin is not null)
            {
                missing.Remove(row);
                extra.Remove(twin);
            }
        }
    }

    /// <summary>A row as what identifies it and its value, when it ends in a number.</summary>
    private static (string Key, double Value)? Split(string row)
    {
        var cut = row.LastIndexOf(" | ", StringComparison.Ordinal);
        return double.TryParse(row.AsSpan(cut + 3), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? (row[..Math.Max(cut, 0)], value) : null;
    }

    private static string Shorten(string row) => row.Length <= 400 ? row : row[..400] + "…";
}
