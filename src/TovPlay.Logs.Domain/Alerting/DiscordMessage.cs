using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using TovPlay.Logs.Domain.Alerting.Templates;

namespace TovPlay.Logs.Domain.Alerting;

/// <summary>How a Discord contact point speaks: its name and face, who it pings, and its templates.</summary>
public sealed record DiscordSettings
{
    /// <summary>Alertmanager's title, with the common labels outside the group's in brackets.</summary>
    public const string DefaultTitle =
        "[{{ .Status | toUpper }}{{ if eq .Status \"firing\" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .GroupLabels.Values | join \" \" }}{{ with .ExtraLabels }} ({{ .Values | join \" \" }}){{ end }}";

    public const string DefaultMessage =
        "{{ range .Alerts }}{{ if .Annotations.summary }}**{{ .Annotations.summary }}**{{ else }}**{{ .Labels.alertname }}**{{ end }}{{ if eq .Status \"resolved\" }} (resolved){{ end }}\n{{ if .Annotations.description }}{{ .Annotations.description }}\n{{ end }}{{ end }}";

    public string? Username { get; init; }

    public string? AvatarUrl { get; init; }

    /// <summary>Role ids (snowflakes) to ping; written into the message's content, the only place Discord pings from.</summary>
    public IReadOnlyList<string> RoleMentions { get; init; } = [];

    public IReadOnlyList<string> UserMentions { get; init; } = [];

    public string TitleTemplate { get; init; } = DefaultTitle;

    public string MessageTemplate { get; init; } = DefaultMessage;

    public static bool IsSnowflake(string id) => id.Length is >= 15 and <= 21 && id.All(char.IsAsciiDigit);
}

/// <summary>Discord's execute-webhook body, as much of it as we send.</summary>
public sealed record DiscordPayload(
    [property: JsonPropertyName("content")] string Content,
    [property: JsonPropertyName("username"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Username,
    [property: JsonPropertyName("avatar_url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AvatarUrl,
    [property: JsonPropertyName("embeds")] IReadOnlyList<DiscordEmbed> Embeds,
    [property: JsonPropertyName("allowed_mentions")] DiscordAllowedMentions AllowedMentions);

public sealed record DiscordEmbed(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("color")] int Color,
    [property: JsonPropertyName("fields")] IReadOnlyList<DiscordField> Fields,
    [property: JsonPropertyName("url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url,
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("footer")] DiscordFooter Footer)
{
    [JsonIgnore]
    public int Length => Title.Length + Description.Length + Footer.Text.Length + Fields.Sum(f => f.Name.Length + f.Value.Length);
}

public sealed record DiscordField(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("inline")] bool Inline);

public sealed record DiscordFooter([property: JsonPropertyName("text")] string Text);

/// <summary>Only the configured roles and users may be pinged: text from alerts (log lines) can never ping @everyone.</summary>
public sealed record DiscordAllowedMentions(
    [property: JsonPropertyName("parse")] IReadOnlyList<string> Parse,
    [property: JsonPropertyName("roles")] IReadOnlyList<string> Roles,
    [property: JsonPropertyName("users")] IReadOnlyList<string> Users);

/// <summary>
/// A group's notification as one Discord embed: colour by state and severity, title and message from the contact
/// point's templates, the group's labels, each alert's value, up to five matching log lines, and links back into the
/// app. Discord refuses a message over its limits, so every part is cut to fit, with a visible marker, never dropped whole.
/// </summary>
public static class DiscordMessage
{
    public const int MaxContent = 2000;
    public const int MaxTitle = 256;
    public const int MaxDescription = 4096;
    public const int MaxFields = 25;
    public const int MaxFieldName = 256;
    public const int MaxFieldValue = 1024;
    public const int MaxFooter = 2048;
    public const int MaxEmbedTotal = 6000;
    public const int MaxLogLines = 5;
    public const string Cut = "… (truncated)";

    public const int Resolved = 0x2ECC71;
    public const int Critical = 0x992D22;
    public const int Warning = 0xE67E22;
    public const int Info = 0x3498DB;
    public const int Trouble = 0x95A5A6;

    public static DiscordPayload Build(AlertNotification notification, DiscordSettings settings, DateTimeOffset now)
    {
        var data = notification.TemplateData();
        var title = OneLine(AlertTemplate.RenderOrError(settings.TitleTemplate, data));
        var description = WithLogLines(AlertTemplate.RenderOrError(settings.MessageTemplate, data).Trim(), notification);
        var fields = Fields(notification);
        var firstLink = notification.Alerts.Select(a => a.SearchUrl).FirstOrDefault(u => !string.IsNullOrEmpty(u));
        var embed = new DiscordEmbed(
            Truncate(title.Length == 0 ? notification.Status : title, MaxTitle),
            Truncate(description, MaxDescription),
            ColorOf(notification),
            fields,
            firstLink,
            now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            new DiscordFooter(Truncate("TovPlay Logs · " + notification.Receiver, MaxFooter)));
        embed = FitTotal(embed);

        var mentions = string.Join(" ", settings.RoleMentions.Select(r => $"<@&{r}>").Concat(settings.UserMentions.Select(u => $"<@{u}>")));
        return new DiscordPayload(
            Truncate(mentions, MaxContent),
            string.IsNullOrWhiteSpace(settings.Username) ? null : Truncate(settings.Username, 80),
            string.IsNullOrWhiteSpace(settings.AvatarUrl) ? null : settings.AvatarUrl,
            [embed],
            new DiscordAllowedMentions([], settings.RoleMentions, settings.UserMentions));
    }

    /// <summary>Resolved is green; firing is red for critical, orange for warning, blue otherwise; a rule's own trouble (no data, error) is grey.</summary>
    public static int ColorOf(AlertNotification notification)
    {
        var firing = notification.FiringAlerts;
        if (firing.Count == 0)
        {
            return Resolved;
        }

        if (firing.All(a => a.State is AlertState.NoData or AlertState.Error))
        {
            return Trouble;
        }

        var severities = firing.Select(a => a.Labels["severity"]?.ToLowerInvariant()).ToHashSet();
        return severities.Contains("critical") || severities.Contains("page") ? Critical
            : severities.Contains("warning") ? Warning
            : Info;
    }

    private static List<DiscordField> Fields(AlertNotification notification)
    {
        var fields = new List<DiscordField>();
        var labels = notification.CommonLabels.Pairs.Where(p => p.Key != AlertLabelNames.AlertName).ToList();
        if (labels.Count > 0)
        {
            fields.Add(Field("Labels", string.Join("\n", labels.Select(p => $"{p.Key} = {Escape(p.Value)}")), inline: false));
        }

        foreach (var alert in notification.Alerts)
        {
            if (fields.Count >= MaxFields - 1)
            {
                break;
            }

            var distinct = alert.Labels.Pairs.Where(p => notification.CommonLabels[p.Key] != p.Value).Select(p => $"{p.Key}={p.Value}");
            var name = alert.State switch
            {
                AlertState.NoData => "No data",
                AlertState.Error => "Error",
                _ when !alert.Firing => "Resolved",
                _ => "Value",
            } + (distinct.Any() ? " · " + string.Join(", ", distinct) : "");
            var value = alert.State == AlertState.Error && alert.Annotations.TryGetValue("error", out var error) ? error
                : alert.Value is { } v && !double.IsNaN(v) ? AlertValues.Display(v)
                : alert.Firing ? "—" : "resolved " + (alert.EndsAt ?? alert.StartsAt).UtcDateTime.ToString("u", CultureInfo.InvariantCulture);
            var links = new List<string>();
            if (!string.IsNullOrEmpty(alert.SearchUrl))
            {
                links.Add($"[Search]({alert.SearchUrl})");
            }

            if (!string.IsNullOrEmpty(alert.InvestigateUrl))
            {
                links.Add($"[Investigate]({alert.InvestigateUrl})");
            }

            if (!string.IsNullOrEmpty(alert.GeneratorUrl))
            {
                links.Add($"[Source]({alert.GeneratorUrl})");
            }

            fields.Add(Field(name, Escape(value) + (links.Count > 0 ? "\n" + string.Join(" · ", links) : ""), inline: notification.Alerts.Count > 1));
        }

        var left = notification.Alerts.Count - fields.Count(f => f.Name.StartsWith("Value", StringComparison.Ordinal) || f.Name.StartsWith("Resolved", StringComparison.Ordinal)
            || f.Name.StartsWith("No data", StringComparison.Ordinal) || f.Name.StartsWith("Error", StringComparison.Ordinal));
        if (left > 0)
        {
            fields.Add(Field("…", $"{left} more alert(s) in this group (truncated)", inline: false));
        }

        return fields;
    }

    /// <summary>
    /// The message, then up to five log lines that matched (the firing alerts' first), in a code block no line can
    /// close: in the description, where up to 4,096 characters leave each line room to show its fields.
    /// </summary>
    private static string WithLogLines(string message, AlertNotification notification)
    {
        var lines = notification.Alerts.OrderBy(a => a.Firing ? 0 : 1).SelectMany(a => a.LogLines).Take(MaxLogLines).ToList();
        if (lines.Count == 0)
        {
            return message;
        }

        const string Heading = "**Matching log lines**\n```\n";
        var budget = MaxDescription - message.Length - Heading.Length - 8 - Cut.Length;
        var perLine = Math.Max(80, budget / lines.Count);
        var sb = new StringBuilder();
        foreach (var line in lines)
        {
            var text = OneLine(line).Replace('`', 'ˋ');
            text = text.Length > perLine - 1 ? text[..(perLine - 2)] + "…" : text;
            if (sb.Length + text.Length + 1 > budget)
            {
                sb.Append(Cut).Append('\n');
                break;
            }

            sb.Append(text).Append('\n');
        }

        return (message.Length > 0 ? message + "\n\n" : "") + Heading + sb + "```";
    }

    private static DiscordField Field(string name, string value, bool inline) =>
        new(Truncate(OneLine(name), MaxFieldName), Truncate(value.Length == 0 ? "—" : value, MaxFieldValue), inline);

    /// <summary>Discord counts title, description, field names and values, and footer together against 6,000.</summary>
    private static DiscordEmbed FitTotal(DiscordEmbed embed)
    {
        var fields = embed.Fields.ToList();
        var removed = 0;
        DiscordField Marker() => new("…", $"{removed} more field(s) (truncated)", false);
        int Length() => (embed with { Fields = fields }).Length;
        while (Length() > MaxEmbedTotal && fields.Count > 0)
        {
            fields.RemoveAt(fields.Count - 1);
            removed++;
        }

        if (removed > 0)
        {
            // The marker must fit too: make room for it, so the cut is never silent.
            while (fields.Count > 0 && Length() + Marker().Name.Length + Marker().Value.Length > MaxEmbedTotal)
            {
                fields.RemoveAt(fields.Count - 1);
                removed++;
            }

            fields.Add(Marker());
        }

        embed = embed with { Fields = fields };
        if (embed.Length > MaxEmbedTotal)
        {
            var room = Math.Max(0, embed.Description.Length - (embed.Length - MaxEmbedTotal));
            embed = embed with { Description = Truncate(embed.Description, room) };
        }

        return embed;
    }

    public static string Truncate(string text, int max) =>
        text.Length <= max ? text : max <= Cut.Length ? text[..max] : text[..(max - Cut.Length)] + Cut;

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    /// <summary>Markdown in values a person did not write (labels, values) is shown as typed.</summary>
    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '*' or '_' or '~' or '|' or '`' or '>' or '[' or ']' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
