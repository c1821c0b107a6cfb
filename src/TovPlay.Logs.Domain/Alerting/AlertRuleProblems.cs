using TovPlay.Logs.Domain.Alerting.Templates;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Parsing;

namespace TovPlay.Logs.Domain.Alerting;

/// <summary>What is wrong with a form's field, named as the form names it.</summary>
public sealed record FieldProblem(string Field, string Message);

/// <summary>
/// Everything about a rule that can be checked without asking a data source: names, durations, labels, templates, and
/// the syntax of a LogQL query (with line and column). SQL and PromQL are checked by their servers.
/// </summary>
public static class AlertRuleProblems
{
    public static IReadOnlyList<FieldProblem> Of(AlertRule rule)
    {
        var problems = new List<FieldProblem>();
        void Add(string field, string message) => problems.Add(new FieldProblem(field, message));

        if (string.IsNullOrWhiteSpace(rule.Name))
        {
            Add("Name", "A rule needs a name: it becomes the alert's alertname.");
        }
        else if (rule.Name.Length > AlertRule.MaxNameLength || rule.Name.Any(char.IsControl))
        {
            Add("Name", $"At most {AlertRule.MaxNameLength} characters, on one line.");
        }

        if (string.IsNullOrWhiteSpace(rule.Folder) || rule.Folder.Length > 100)
        {
            Add("Folder", "A folder of 1 to 100 characters.");
        }

        if (string.IsNullOrWhiteSpace(rule.Group) || rule.Group.Length > 100)
        {
            Add("Group", "An evaluation group of 1 to 100 characters.");
        }

        if (LogQuery(rule) is { } queryProblem)
        {
            Add("Query", queryProblem);
        }

        if (rule.Threshold is { } threshold && !double.IsFinite(threshold.Value))
        {
            Add("Threshold", "The threshold must be a finite number.");
        }

        if (rule.Interval < AlertRule.MinInterval || rule.Interval > AlertRule.MaxInterval || rule.Interval.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            Add("Interval", "Whole seconds from 1s to 24h.");
        }

        if (rule.PendingFor < TimeSpan.Zero || rule.PendingFor > AlertRule.MaxPeriod)
        {
            Add("PendingFor", "From 0 (fire at once) to 7 days.");
        }

        if (rule.KeepFiringFor < TimeSpan.Zero || rule.KeepFiringFor > AlertRule.MaxPeriod)
        {
            Add("KeepFiringFor", "From 0 to 7 days.");
        }

        foreach (var (name, value) in rule.Labels)
        {
            if (!AlertLabelNames.IsValid(name) || name.StartsWith("__", StringComparison.Ordinal))
            {
                Add("Labels", $"\"{name}\" is not a label name: letters, digits and _, not starting with a digit or __.");
            }
            else if (name == AlertLabelNames.AlertName)
            {
                Add("Labels", "alertname is the rule's name; set the name instead.");
            }
            else if (value.Length > 1024)
            {
                Add("Labels", $"The value of {name} is longer than 1,024 characters.");
            }
        }

        foreach (var (name, text) in rule.Annotations)
        {
            if (!AlertLabelNames.IsValid(name))
            {
                Add("Annotations", $"\"{name}\" is not an annotation name: letters, digits and _.");
            }
            else if (AlertTemplate.Problem(text) is { } problem)
            {
                Add(name == AlertRule.Summary ? "Summary" : name == AlertRule.Description ? "Description" : "Annotations", $"{name}: {problem}");
            }
        }

        if (rule.Annotations.TryGetValue(AlertRule.RunbookUrl, out var runbook) && runbook.Length > 0
            && !(Uri.TryCreate(runbook, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            Add("RunbookUrl", "An absolute http or https address.");
        }

        return problems;
    }

    /// <summary>A LogQL rule needs a metric query that parses; the message keeps the parser's line and column.</summary>
    public static string? LogQuery(AlertRule rule)
    {
        if (string.IsNullOrWhiteSpace(rule.Query))
        {
            return "A rule needs a query.";
        }

        if (rule.Query.Length > AlertRule.MaxQueryLength)
        {
            return $"At most {AlertRule.MaxQueryLength:N0} characters.";
        }

        if (rule.Source == AlertDataSource.Check)
        {
            return AlertChecks.All.ContainsKey(rule.Query.Trim()) ? null : $"\"{rule.Query}\" is not a check; the checks are {string.Join(", ", AlertChecks.All.Keys)}.";
        }

        if (rule.Source != AlertDataSource.LogQL)
        {
            return null;
        }

        if (!LogQLQuery.TryParse(rule.Query, ParseLimits.Default, out var expr, out var error))
        {
            return error.Message;
        }

        return expr.IsLogQuery
            ? "An alert needs numbers: a log query returns lines. Count them over a window, for example count_over_time(" + rule.Query.Trim() + " [5m])."
            : null;
    }
}
