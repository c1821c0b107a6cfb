using System.Text.Json;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>Between the stored rule and the Domain's.</summary>
public static class AlertRuleMapping
{
    public static AlertRule ToRule(this AlertRuleRecord record) => new()
    {
        Id = record.Id,
        Name = record.Name,
        Folder = record.Folder,
        Group = record.GroupName,
        Source = Enum.Parse<AlertDataSource>(record.Source),
        Query = record.Query,
        Threshold = record.ThresholdOperator is { } op && record.ThresholdValue is { } value && AlertThreshold.ComparatorOf(op) is { } comparator
            ? new AlertThreshold(comparator, value)
            : null,
        Interval = TimeSpan.FromSeconds(record.IntervalSeconds),
        PendingFor = TimeSpan.FromSeconds(record.PendingSeconds),
        KeepFiringFor = TimeSpan.FromSeconds(record.KeepFiringSeconds),
        OnNoData = Enum.Parse<MissingResultHandling>(record.OnNoData),
        OnError = Enum.Parse<MissingResultHandling>(record.OnError),
        Labels = Map(record.Labels),
        Annotations = Map(record.Annotations),
        Paused = record.Paused,
        BuiltIn = record.BuiltIn,
    };

    /// <summary>Copies the rule's fields onto a record (new or tracked); who and when are the caller's.</summary>
    public static void CopyTo(this AlertRule rule, AlertRuleRecord record)
    {
        record.Name = rule.Name.Trim();
        record.Folder = rule.Folder.Trim();
        record.GroupName = rule.Group.Trim();
        record.Source = rule.Source.ToString();
        record.Query = rule.Query;
        record.ThresholdOperator = rule.Threshold?.Symbol;
        record.ThresholdValue = rule.Threshold?.Value;
        record.IntervalSeconds = (int)rule.Interval.TotalSeconds;
        record.PendingSeconds = (int)rule.PendingFor.TotalSeconds;
        record.KeepFiringSeconds = (int)rule.KeepFiringFor.TotalSeconds;
        record.OnNoData = rule.OnNoData.ToString();
        record.OnError = rule.OnError.ToString();
        record.Labels = Json(rule.Labels);
        record.Annotations = Json(rule.Annotations);
        record.Paused = rule.Paused;
        record.BuiltIn = rule.BuiltIn;
    }

    public static IReadOnlyDictionary<string, string> Map(string? json) =>
        string.IsNullOrEmpty(json) ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    public static string Json(IReadOnlyDictionary<string, string> map) =>
        JsonSerializer.Serialize(map.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value));
}
