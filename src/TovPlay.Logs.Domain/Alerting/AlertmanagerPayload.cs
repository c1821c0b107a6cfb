using System.Globalization;
using System.Text.Json;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Alerting;

/// <summary>An alert received from an external ruler (Prometheus, Loki's ruler) or an Alertmanager.</summary>
public sealed record ExternalAlert(LabelSet Labels, IReadOnlyDictionary<string, string> Annotations, DateTimeOffset StartsAt, DateTimeOffset? EndsAt, bool Resolved,
    string? GeneratorUrl)
{
    public string Fingerprint => AlertFingerprint.Of(Labels);
}

/// <summary>
/// Reads what Alertmanager-speaking senders post: an Alertmanager webhook notification (<c>{"alerts": [...]}</c>, version 4)
/// or the alert list Prometheus and Loki's ruler post to Alertmanager's API (<c>[{"labels": ...}]</c>). An alert is
/// resolved when its status says so or its end has passed; "0001-01-01" ends nothing.
/// </summary>
public static class AlertmanagerPayload
{
    public const int MaxAlerts = 1000;
    public const int MaxValueLength = 4096;

    /// <exception cref="FormatException">The body is not such a payload; the message says where.</exception>
    public static IReadOnlyList<ExternalAlert> Read(string json, DateTimeOffset now)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 }).RootElement;
        }
        catch (JsonException ex)
        {
            throw new FormatException("The body is not JSON: " + ex.Message);
        }

        var alerts = root.ValueKind switch
        {
            JsonValueKind.Array => root,
            JsonValueKind.Object when root.TryGetProperty("alerts", out var list) && list.ValueKind == JsonValueKind.Array => list,
            _ => throw new FormatException("Expected an Alertmanager webhook notification ({\"alerts\": [...]}) or a list of alerts ([{\"labels\": {...}}])."),
        };
        if (alerts.GetArrayLength() > MaxAlerts)
        {
            throw new FormatException($"At most {MaxAlerts} alerts per request; this one has {alerts.GetArrayLength()}.");
        }

        return [.. alerts.EnumerateArray().Select((a, i) => Alert(a, i, now))];
    }

    private static ExternalAlert Alert(JsonElement alert, int index, DateTimeOffset now)
    {
        var where = $"alerts[{index}]";
        if (alert.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where} is not an object.");
        }

        var labels = Map(alert, "labels", where);
        if (labels.Count == 0)
        {
            throw new FormatException($"{where} has no labels: an alert needs at least one (usually alertname).");
        }

        if (labels.Keys.FirstOrDefault(n => !AlertLabelNames.IsValid(n)) is { } bad)
        {
            throw new FormatException($"{where}: \"{bad}\" is not a label name.");
        }

        var startsAt = Time(alert, "startsAt", where) ?? now;
        var endsAt = Time(alert, "endsAt", where);
        var status = alert.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        var resolved = status == "resolved" || (endsAt is { } end && end <= now);
        var generator = alert.TryGetProperty("generatorURL", out var g) && g.ValueKind == JsonValueKind.String ? Cut(g.GetString()!) : null;
        return new ExternalAlert(LabelSet.From(labels), Map(alert, "annotations", where), startsAt, endsAt, resolved, generator);
    }

    private static Dictionary<string, string> Map(JsonElement alert, string name, string where)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!alert.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return map;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where}.{name} is not an object of strings.");
        }

        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw new FormatException($"{where}.{name}.{property.Name} is not a string.");
            }

            var text = property.Value.GetString()!;
            if (property.Name.Length > 128 || text.Length > MaxValueLength || text.Contains('\0', StringComparison.Ordinal))
            {
                throw new FormatException($"{where}.{name}.{property.Name} is too long or holds a NUL.");
            }

            map[property.Name] = text;
        }

        return map;
    }

    /// <summary>RFC 3339; Go's zero time (0001-01-01T00:00:00Z) means none.</summary>
    private static DateTimeOffset? Time(JsonElement alert, string name, string where)
    {
        if (!alert.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            throw new FormatException($"{where}.{name} is not an RFC 3339 time.");
        }

        return time.Year <= 1 ? null : time;
    }

    private static string Cut(string text) => text.Length > 2000 ? text[..2000] : text;
}
