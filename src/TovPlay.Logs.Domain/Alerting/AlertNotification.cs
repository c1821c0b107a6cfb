using TovPlay.Logs.Domain.Alerting.Templates;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Alerting;

/// <summary>One alert in a notification, as a receiver sees it.</summary>
public sealed record NotifiedAlert(string Fingerprint, LabelSet Labels, IReadOnlyDictionary<string, string> Annotations, AlertState State, DateTimeOffset StartsAt)
{
    /// <summary>Set once it resolved.</summary>
    public DateTimeOffset? EndsAt { get; init; }

    public double? Value { get; init; }

    /// <summary>Where the alert came from: the rule's page here, or the generator of an external alert.</summary>
    public string? GeneratorUrl { get; init; }

    /// <summary>Up to five log lines that matched, for a LogQL rule.</summary>
    public IReadOnlyList<string> LogLines { get; init; } = [];

    /// <summary>Search with the rule's query and window.</summary>
    public string? SearchUrl { get; init; }

    /// <summary>The investigation scenario that fits, pre-filled.</summary>
    public string? InvestigateUrl { get; init; }

    public bool Firing => EndsAt is null;

    public string Status => Firing ? "firing" : "resolved";
}

/// <summary>What one flush of a group sends to one receiver: Alertmanager's notification data.</summary>
public sealed record AlertNotification(string Receiver, string GroupKey, LabelSet GroupLabels, IReadOnlyList<NotifiedAlert> Alerts, string ExternalUrl)
{
    public string Status => Alerts.Any(a => a.Firing) ? "firing" : "resolved";

    public IReadOnlyList<NotifiedAlert> FiringAlerts => [.. Alerts.Where(a => a.Firing)];

    public LabelSet CommonLabels => Alerts.Count == 0 ? LabelSet.Empty
        : LabelSet.From(Alerts[0].Labels.Pairs.Where(p => Alerts.All(a => a.Labels[p.Key] == p.Value)));

    public IReadOnlyDictionary<string, string> CommonAnnotations => Alerts.Count == 0 ? new Dictionary<string, string>()
        : Alerts[0].Annotations.Where(p => Alerts.All(a => a.Annotations.TryGetValue(p.Key, out var v) && v == p.Value)).ToDictionary(p => p.Key, p => p.Value);

    /// <summary>The data templates see: Alertmanager's fields, and <c>.ExtraLabels</c>, the common labels outside the group's.</summary>
    public TemplateRecord TemplateData()
    {
        var common = CommonLabels;
        var extra = common.Pairs.Where(p => !GroupLabels.Contains(p.Key)).ToList();
        return new TemplateRecord(
            ("Receiver", Receiver),
            ("Status", Status),
            ("Alerts", new TemplateAlertList([.. Alerts.Select(AlertData)])),
            ("GroupLabels", new TemplateMap(GroupLabels.Pairs)),
            ("CommonLabels", new TemplateMap(common.Pairs)),
            ("CommonAnnotations", new TemplateMap([.. CommonAnnotations])),
            ("ExtraLabels", new TemplateMap(extra)),
            ("ExternalURL", ExternalUrl),
            ("GroupKey", GroupKey));
    }

    private static TemplateRecord AlertData(NotifiedAlert alert) => new(
        ("Status", alert.Status),
        ("State", alert.State.ToString()),
        ("Labels", new TemplateMap(alert.Labels.Pairs)),
        ("Annotations", new TemplateMap([.. alert.Annotations])),
        ("StartsAt", alert.StartsAt),
        ("EndsAt", alert.EndsAt ?? DateTimeOffset.MinValue),
        ("GeneratorURL", alert.GeneratorUrl ?? ""),
        ("Fingerprint", alert.Fingerprint),
        ("Value", alert.Value ?? double.NaN),
        ("LogLines", alert.LogLines.Select(l => (object?)l).ToList()),
        ("SearchURL", alert.SearchUrl ?? ""),
        ("InvestigateURL", alert.InvestigateUrl ?? ""));
}
