using System.Globalization;
using TovPlay.Logs.Domain.Alerting;

namespace TovPlay.Logs.Web.Model.Alerting;

/// <summary>A label or annotation row of the form.</summary>
public sealed class NameValueRow
{
    public string Name { get; set; } = "";

    public string Value { get; set; } = "";
}

/// <summary>
/// The rule form's state as typed (durations and the threshold as text), with its problems by field: those the Domain
/// finds as the Admin types, and those the query's source or the store adds on save.
/// </summary>
public sealed class RuleFormModel
{
    public Guid Id { get; private set; } = Guid.NewGuid();

    /// <summary>The row version the form was loaded at; null for a new rule.</summary>
    public uint? Version { get; private set; }

    public string Name { get; set; } = "";

    public string Folder { get; set; } = "TovPlay";

    public string Group { get; set; } = "default";

    public AlertDataSource Source { get; set; } = AlertDataSource.LogQL;

    public string Query { get; set; } = "";

    /// <summary>Empty for the query's own comparison.</summary>
    public string Comparator { get; set; } = ">";

    public string Threshold { get; set; } = "0";

    public bool UseThreshold { get; set; } = true;

    public string Interval { get; set; } = "1m";

    public string PendingFor { get; set; } = "0s";

    public string KeepFiringFor { get; set; } = "0s";

    public MissingResultHandling OnNoData { get; set; } = MissingResultHandling.Normal;

    public MissingResultHandling OnError { get; set; } = MissingResultHandling.OwnState;

    public List<NameValueRow> Labels { get; } = [new() { Name = "severity", Value = "warning" }];

    public string Summary { get; set; } = "";

    public string Description { get; set; } = "";

    public string RunbookUrl { get; set; } = "";

    public List<NameValueRow> Annotations { get; } = [];

    public bool Paused { get; set; }

    public string? BuiltIn { get; set; }

    public bool IsNew => Version is null;

    /// <summary>Problems by field name (Name, Query, Threshold, Interval...), first message each.</summary>
    public Dictionary<string, string> Problems { get; } = new(StringComparer.Ordinal);

    /// <summary>Set once the Admin tried to preview or save: from then on, empty required fields are pointed at too.</summary>
    public bool ShowAll { get; set; }

    /// <summary>A field's problem; an empty field is not scolded before anything was tried.</summary>
    public string? ProblemOf(string field) =>
        !ShowAll && IsNew && string.IsNullOrWhiteSpace(field switch { "Name" => Name, "Query" => Query, "Folder" => Folder, "Group" => Group, _ => "x" })
            ? null
            : Problems.GetValueOrDefault(field);

    public static RuleFormModel From(AlertRule rule, uint? version)
    {
        var form = new RuleFormModel
        {
            Id = rule.Id,
            Version = version,
            Name = rule.Name,
            Folder = rule.Folder,
            Group = rule.Group,
            Source = rule.Source,
            Query = rule.Query,
            UseThreshold = rule.Threshold is not null,
            Comparator = rule.Threshold?.Symbol ?? ">",
            Threshold = (rule.Threshold?.Value ?? 0).ToString("R", CultureInfo.InvariantCulture),
            Interval = AlertDurations.Format(rule.Interval),
            PendingFor = AlertDurations.Format(rule.PendingFor),
            KeepFiringFor = AlertDurations.Format(rule.KeepFiringFor),
            OnNoData = rule.OnNoData,
            OnError = rule.OnError,
            Summary = rule.Annotations.GetValueOrDefault(AlertRule.Summary, ""),
            Description = rule.Annotations.GetValueOrDefault(AlertRule.Description, ""),
            RunbookUrl = rule.Annotations.GetValueOrDefault(AlertRule.RunbookUrl, ""),
            Paused = rule.Paused,
            BuiltIn = rule.BuiltIn,
        };
        form.Labels.Clear();
        form.Labels.AddRange(rule.Labels.Select(l => new NameValueRow { Name = l.Key, Value = l.Value }));
        form.Annotations.AddRange(rule.Annotations.Where(a => a.Key is not (AlertRule.Summary or AlertRule.Description or AlertRule.RunbookUrl))
            .Select(a => new NameValueRow { Name = a.Key, Value = a.Value }));
        return form;
    }

    /// <summary>A copy to save as a new rule (its own id, no version).</summary>
    public RuleFormModel AsCopy(string name)
    {
        var copy = From(ToRule(out _) with { Id = Guid.NewGuid(), BuiltIn = null }, null);
        copy.Name = name;
        return copy;
    }

    /// <summary>The rule as typed; fields that do not read (durations, threshold, duplicate names) are in <paramref name="problems"/>.</summary>
    public AlertRule ToRule(out List<FieldProblem> problems)
    {
        problems = [];
        var interval = Duration(Interval, "Interval", problems, TimeSpan.FromMinutes(1));
        var pending = Duration(PendingFor, "PendingFor", problems, TimeSpan.Zero);
        var keep = Duration(KeepFiringFor, "KeepFiringFor", problems, TimeSpan.Zero);
        AlertThreshold? threshold = null;
        if (UseThreshold)
        {
            if (AlertThreshold.ComparatorOf(Comparator) is not { } comparator)
            {
                problems.Add(new FieldProblem("Threshold", "Choose a comparison."));
            }
            else if (!double.TryParse(Threshold, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                problems.Add(new FieldProblem("Threshold", $"\"{Threshold}\" is not a number (use a dot for decimals: 0.5)."));
            }
            else
            {
                threshold = new AlertThreshold(comparator, value);
            }
        }

        var labels = Rows(Labels, "Labels", problems);
        var annotations = Rows(Annotations, "Annotations", problems);
        foreach (var (name, value) in new[] { (AlertRule.Summary, Summary), (AlertRule.Description, Description), (AlertRule.RunbookUrl, RunbookUrl) })
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                annotations[name] = value.Trim();
            }
        }

        return new AlertRule
        {
            Id = Id,
            Name = Name.Trim(),
            Folder = Folder.Trim(),
            Group = Group.Trim(),
            Source = Source,
            Query = Query,
            Threshold = threshold,
            Interval = interval,
            PendingFor = pending,
            KeepFiringFor = keep,
            OnNoData = OnNoData,
            OnError = OnError,
            Labels = labels,
            Annotations = annotations,
            Paused = Paused,
            BuiltIn = BuiltIn,
        };
    }

    /// <summary>Checks what can be checked while typing (everything but SQL and PromQL, which their servers check on save).</summary>
    public void Check()
    {
        var rule = ToRule(out var problems);
        Show(problems.Concat(AlertRuleProblems.Of(rule)));
    }

    /// <summary>Shows these problems (and only these), the first per field.</summary>
    public void Show(IEnumerable<FieldProblem> problems)
    {
        Problems.Clear();
        foreach (var problem in problems)
        {
            Problems.TryAdd(problem.Field, problem.Message);
        }
    }

    private static TimeSpan Duration(string text, string field, List<FieldProblem> problems, TimeSpan fallback)
    {
        if (AlertDurations.TryParse(text, out var value))
        {
            return value;
        }

        problems.Add(new FieldProblem(field, $"\"{text}\" is not a duration: write 30s, 5m, 1h30m."));
        return fallback;
    }

    private static Dictionary<string, string> Rows(IEnumerable<NameValueRow> rows, string field, List<FieldProblem> problems)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in rows.Where(r => r.Name.Trim().Length > 0 || r.Value.Trim().Length > 0))
        {
            var name = row.Name.Trim();
            if (name.Length == 0)
            {
                problems.Add(new FieldProblem(field, $"The value \"{row.Value}\" has no name."));
            }
            else if (!map.TryAdd(name, row.Value.Trim()))
            {
                problems.Add(new FieldProblem(field, $"{name} is there twice."));
            }
        }

        return map;
    }
}
