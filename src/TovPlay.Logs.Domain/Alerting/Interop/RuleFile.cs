using System.Globalization;
using System.Text.RegularExpressions;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace TovPlay.Logs.Domain.Alerting.Interop;

/// <summary>What an import read, and what it could not, each problem naming the rule or line.</summary>
public sealed record ImportResult<T>(IReadOnlyList<T> Items, IReadOnlyList<string> Problems);

/// <summary>
/// Rules as Prometheus and Loki's ruler keep them (<c>groups: - name, interval, rules: - alert, expr, for,
/// keep_firing_for, labels, annotations</c>): PromQL rules for Prometheus, LogQL rules for Loki. A group is a folder and
/// evaluation group (<c>folder/group</c>) with one interval; a threshold is written into the expression as
/// <c>(query) &gt; 10</c> and read back out of it.
/// </summary>
public static partial class RuleFile
{
    public const int MaxBytes = 2 * 1024 * 1024;

    public static string Export(IEnumerable<AlertRule> rules, AlertDataSource source)
    {
        var groups = rules.Where(r => r.Source == source)
            .GroupBy(r => (r.Folder, r.Group))
            .SelectMany(g => g.GroupBy(r => r.Interval).Select(i => (g.Key, Interval: i.Key, Rules: i.ToList(), Split: g.Select(r => r.Interval).Distinct().Count() > 1)))
            .OrderBy(g => g.Key.Folder, StringComparer.Ordinal).ThenBy(g => g.Key.Group, StringComparer.Ordinal).ThenBy(g => g.Interval)
            .Select(g => new GroupNode
            {
                Name = $"{g.Key.Folder}/{g.Key.Group}" + (g.Split ? $" every {AlertDurations.Format(g.Interval)}" : ""),
                Interval = AlertDurations.Format(g.Interval),
                Rules = [.. g.Rules.OrderBy(r => r.Name, StringComparer.Ordinal).Select(ToNode)],
            })
            .ToList();
        return Serializer.Serialize(new FileNode { Groups = groups });
    }

    /// <summary>Reads a rule file; <paramref name="source"/> is the language of its expressions.</summary>
    public static ImportResult<AlertRule> Import(string yaml, AlertDataSource source)
    {
        if (yaml.Length > MaxBytes)
        {
            return new ImportResult<AlertRule>([], [$"The file is larger than {MaxBytes / 1024 / 1024} MB."]);
        }

        FileNode? file;
        try
        {
            file = Deserializer.Deserialize<FileNode>(yaml);
        }
        catch (YamlException ex)
        {
            return new ImportResult<AlertRule>([], [$"line {ex.Start.Line}, column {ex.Start.Column}: {Inner(ex)}"]);
        }

        var rules = new List<AlertRule>();
        var problems = new List<string>();
        foreach (var group in file?.Groups ?? [])
        {
            var slash = group.Name?.IndexOf('/', StringComparison.Ordinal) ?? -1;
            var folder = slash > 0 ? group.Name![..slash] : "Imported";
            var groupName = slash > 0 ? group.Name![(slash + 1)..] : group.Name ?? "default";
            var every = groupName.LastIndexOf(" every ", StringComparison.Ordinal);
            groupName = every > 0 ? groupName[..every] : groupName;
            var interval = TimeSpan.FromMinutes(1);
            if (group.Interval is { Length: > 0 } text && !AlertDurations.TryParse(text, out interval))
            {
                problems.Add($"group {group.Name}: the interval \"{text}\" is not a duration.");
                continue;
            }

            foreach (var node in group.Rules ?? [])
            {
                if (node.Alert is null)
                {
                    problems.Add($"group {group.Name}: a recording rule ({node.Record ?? node.Expr}) is not an alert; it was left out.");
                    continue;
                }

                var rule = FromNode(node, source, folder, groupName, interval, problems);
                if (rule is null)
                {
                    continue;
                }

                var ruleProblems = AlertRuleProblems.Of(rule);
                if (ruleProblems.Count > 0)
                {
                    problems.Add($"{node.Alert}: " + string.Join(" ", ruleProblems.Select(p => $"{p.Field}: {p.Message}")));
                    continue;
                }

                rules.Add(rule);
            }
        }

        return new ImportResult<AlertRule>(rules, problems);
    }

    private static RuleNode ToNode(AlertRule rule) => new()
    {
        Alert = rule.Name,
        Expr = rule.Threshold is { } t ? $"({rule.Query.Trim()}) {t.Symbol} {t.Value.ToString("R", CultureInfo.InvariantCulture)}" : rule.Query.Trim(),
        For = rule.PendingFor > TimeSpan.Zero ? AlertDurations.Format(rule.PendingFor) : null,
        KeepFiringFor = rule.KeepFiringFor > TimeSpan.Zero ? AlertDurations.Format(rule.KeepFiringFor) : null,
        Labels = rule.Labels.Count > 0 ? rule.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).ToDictionary(l => l.Key, l => l.Value) : null,
        Annotations = rule.Annotations.Count > 0 ? rule.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary(a => a.Key, a => a.Value) : null,
    };

    private static AlertRule? FromNode(RuleNode node, AlertDataSource source, string folder, string group, TimeSpan interval, List<string> problems)
    {
        var pending = TimeSpan.Zero;
        var keep = TimeSpan.Zero;
        if (node.For is { Length: > 0 } f && !AlertDurations.TryParse(f, out pending))
        {
            problems.Add($"{node.Alert}: for \"{f}\" is not a duration.");
            return null;
        }

        if (node.KeepFiringFor is { Length: > 0 } k && !AlertDurations.TryParse(k, out keep))
        {
            problems.Add($"{node.Alert}: keep_firing_for \"{k}\" is not a duration.");
            return null;
        }

        var (query, threshold) = SplitThreshold(node.Expr ?? "", source);
        return new AlertRule
        {
            Name = node.Alert!,
            Folder = folder,
            Group = group,
            Source = source,
            Query = query,
            Threshold = threshold,
            Interval = interval,
            PendingFor = pending,
            KeepFiringFor = keep,
            Labels = node.Labels ?? [],
            Annotations = node.Annotations ?? [],
        };
    }

    /// <summary>
    /// <c>(query) &gt; 10</c> back into the query and its threshold. For LogQL the parser decides; for PromQL, only the
    /// form this export writes is taken apart (anything else stays the query's own comparison).
    /// </summary>
    public static (string Query, AlertThreshold? Threshold) SplitThreshold(string expr, AlertDataSource source)
    {
        var trimmed = expr.Trim();
        var match = ThresholdForm().Match(trimmed);
        if (!match.Success || AlertThreshold.ComparatorOf(match.Groups["op"].Value) is not { } comparator
            || !double.TryParse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return (trimmed, null);
        }

        var inner = match.Groups["query"].Value.Trim();
        if (source == AlertDataSource.LogQL)
        {
            // The whole must parse as that comparison with the bracket around the query, not a bracket inside it.
            if (!LogQLQuery.TryParse(trimmed, out var whole, out _) || whole is not BinaryExpr { ReturnBool: false, Right: NumberLiteralExpr }
                || !LogQLQuery.TryParse(inner, out var query, out _) || query.IsLogQuery)
            {
                return (trimmed, null);
            }
        }
        else if (!Balanced(inner))
        {
            return (trimmed, null);
        }

        return (inner, new AlertThreshold(comparator, value));
    }

    private static bool Balanced(string text)
    {
        var depth = 0;
        foreach (var c in text)
        {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth < 0)
            {
                return false;
            }
        }

        return depth == 0;
    }

    private static string Inner(Exception ex) => ex.InnerException is { } inner ? inner.Message : ex.Message;

    [GeneratedRegex(@"^\((?<query>.*)\)\s*(?<op>>=|<=|==|!=|>|<)\s*(?<value>[-+]?[0-9.eE+-]+|[-+]?Inf|NaN)$", RegexOptions.Singleline)]
    private static partial Regex ThresholdForm();

    internal static ISerializer Serializer { get; } = new SerializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .DisableAliases()
        .Build();

    internal static IDeserializer Deserializer { get; } = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    private sealed class FileNode
    {
        public List<GroupNode>? Groups { get; set; }
    }

    private sealed class GroupNode
    {
        public string? Name { get; set; }

        public string? Interval { get; set; }

        public List<RuleNode>? Rules { get; set; }
    }

    private sealed class RuleNode
    {
        public string? Alert { get; set; }

        public string? Record { get; set; }

        public string? Expr { get; set; }

        public string? For { get; set; }

        public string? KeepFiringFor { get; set; }

        public Dictionary<string, string>? Labels { get; set; }

        public Dictionary<string, string>? Annotations { get; set; }
    }
}
