using System.Text.RegularExpressions;
using TovPlay.Logs.Domain.LogQL.Parsing;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Alerting;

/// <summary>A label matcher of a route or a silence: <c>=</c>, <c>!=</c>, <c>=~</c>, <c>!~</c>; regexes match the whole value.</summary>
public sealed class AlertMatcher(string name, AlertMatchType type, string value)
{
    private Regex? _regex;

    public string Name { get; } = name;

    public AlertMatchType Type { get; } = type;

    public string Value { get; } = value;

    /// <summary>A missing label matches as the empty string, as in Alertmanager.</summary>
    public bool Matches(LabelSet labels)
    {
        var value = labels[Name] ?? "";
        return Type switch
        {
            AlertMatchType.Equal => value == Value,
            AlertMatchType.NotEqual => value != Value,
            AlertMatchType.Regex => Regex.IsMatch(value),
            _ => !Regex.IsMatch(value),
        };
    }

    /// <summary>As Alertmanager writes it: <c>team=~"db|data"</c>.</summary>
    public string Operator => Type switch
    {
        AlertMatchType.Equal => "=",
        AlertMatchType.NotEqual => "!=",
        AlertMatchType.Regex => "=~",
        _ => "!~",
    };

    public override string ToString() => Name + Operator + LogQL.Printing.LogQLPrinter.Quote(Value);

    /// <summary>
    /// Reads Alertmanager's matcher text: <c>name="value"</c>, <c>name=~"a|b"</c>, <c>name!=value</c> (quotes optional).
    /// </summary>
    /// <exception cref="FormatException">The text is not a matcher; the message says why.</exception>
    public static AlertMatcher Parse(string text)
    {
        var trimmed = text.Trim();
        var at = trimmed.IndexOfAny(['=', '!']);
        if (at <= 0)
        {
            throw new FormatException($"\"{text}\" is not a matcher: write name=\"value\", name!=\"value\", name=~\"regex\" or name!~\"regex\"");
        }

        var name = trimmed[..at].Trim();
        var rest = trimmed[at..];
        var (type, length) = rest.StartsWith("=~", StringComparison.Ordinal) ? (AlertMatchType.Regex, 2)
            : rest.StartsWith("!~", StringComparison.Ordinal) ? (AlertMatchType.NotRegex, 2)
            : rest.StartsWith("!=", StringComparison.Ordinal) ? (AlertMatchType.NotEqual, 2)
            : rest.StartsWith('=') ? (AlertMatchType.Equal, 1)
            : throw new FormatException($"\"{text}\" is not a matcher: unknown operator after {name}");
        var value = rest[length..].Trim();
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            try
            {
                value = System.Text.Json.JsonSerializer.Deserialize<string>(value) ?? "";
            }
            catch (System.Text.Json.JsonException)
            {
                throw new FormatException($"\"{text}\" is not a matcher: its value has a double quote that is not escaped (write \\\") or an unknown escape");
            }
        }
        else if (value.Contains('"', StringComparison.Ordinal))
        {
            throw new FormatException($"\"{text}\" is not a matcher: unbalanced quotes in its value");
        }

        var matcher = new AlertMatcher(name, type, value);
        return matcher.Problem() is { } problem ? throw new FormatException(problem) : matcher;
    }

    /// <summary>Null when the matcher can be used, otherwise why not (a bad name or regex).</summary>
    public string? Problem()
    {
        if (!AlertLabelNames.IsValid(Name))
        {
            return $"\"{Name}\" is not a label name (letters, digits and _, not starting with a digit)";
        }

        return Type is AlertMatchType.Regex or AlertMatchType.NotRegex && !RegexSyntax.TryTranslate(Value, out _, out var error)
            ? $"the regex \"{Value}\" is invalid: {error}"
            : null;
    }

    private Regex Regex => _regex ??= RegexSyntax.BuildWhole(RegexSyntax.Translate(Value));
}

public enum AlertMatchType
{
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

/// <summary>
/// A node of the notification policy tree, as Alertmanager's <c>route</c>: what it matches, where it sends, how it
/// groups and times; unset settings come from its parent.
/// </summary>
public sealed record AlertRoute
{
    public string? Receiver { get; init; }

    public IReadOnlyList<AlertMatcher> Matchers { get; init; } = [];

    /// <summary>Label names alerts are grouped by; <c>...</c> alone groups by every label.</summary>
    public IReadOnlyList<string>? GroupBy { get; init; }

    public TimeSpan? GroupWait { get; init; }

    public TimeSpan? GroupInterval { get; init; }

    public TimeSpan? RepeatInterval { get; init; }

    /// <summary>After matching this policy, go on to its later siblings too.</summary>
    public bool Continue { get; init; }

    public IReadOnlyList<AlertRoute> Routes { get; init; } = [];

    /// <summary>Mute timings (by name) during which this policy sends nothing; not inherited, as in Alertmanager.</summary>
    public IReadOnlyList<string> MuteTimings { get; init; } = [];

    /// <summary>When set, the policy sends only inside these timings.</summary>
    public IReadOnlyList<string> ActiveTimings { get; init; } = [];

    /// <summary>Alertmanager's route key: its matchers after its parent's, <c>{}/{alertname="x"}</c>.</summary>
    internal string Key { get; init; } = "{}";
}

/// <summary>Where a label set goes: the receiver, the group it joins, and the group's timing.</summary>
public sealed record AlertDestination(string Receiver, LabelSet GroupLabels, TimeSpan GroupWait, TimeSpan GroupInterval, TimeSpan RepeatInterval)
{
    public string RouteKey { get; init; } = "{}";

    public IReadOnlyList<string> MuteTimings { get; init; } = [];

    public IReadOnlyList<string> ActiveTimings { get; init; } = [];

    /// <summary>Alertmanager's group key: the route key and the group labels, <c>{}/{alertname="x"}:{alertname="x"}</c>.</summary>
    public string GroupKey => RouteKey + ":" + GroupLabels;
}

/// <summary>
/// Alertmanager's routing: from the root, the first child whose matchers match takes the alert (and later siblings
/// too while a matched child says <c>continue</c>), depth first; a node none of whose children match takes it
/// itself. Settings are inherited; Alertmanager's defaults apply at the root.
/// </summary>
public static class AlertRouting
{
    public static readonly TimeSpan DefaultGroupWait = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultGroupInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultRepeatInterval = TimeSpan.FromHours(4);

    public static IReadOnlyList<AlertDestination> Route(AlertRoute root, LabelSet labels)
    {
        var effective = root with
        {
            GroupBy = root.GroupBy ?? [],
            GroupWait = root.GroupWait ?? DefaultGroupWait,
            GroupInterval = root.GroupInterval ?? DefaultGroupInterval,
            RepeatInterval = root.RepeatInterval ?? DefaultRepeatInterval,
        };
        var found = new List<AlertDestination>();
        Walk(effective, labels, found);
        return found;
    }

    private static void Walk(AlertRoute node, LabelSet labels, List<AlertDestination> found)
    {
        var matched = false;
        foreach (var child in node.Routes)
        {
            if (!child.Matchers.All(m => m.Matches(labels)))
            {
                continue;
            }

            matched = true;
            Walk(Inherit(child, node), labels, found);
            if (!child.Continue)
            {
                break;
            }
        }

        if (!matched)
        {
            found.Add(new AlertDestination(node.Receiver ?? "", Group(node.GroupBy!, labels), node.GroupWait!.Value, node.GroupInterval!.Value, node.RepeatInterval!.Value)
            {
                RouteKey = node.Key,
                MuteTimings = node.MuteTimings,
                ActiveTimings = node.ActiveTimings,
            });
        }
    }

    private static AlertRoute Inherit(AlertRoute child, AlertRoute parent) => child with
    {
        Receiver = child.Receiver ?? parent.Receiver,
        GroupBy = child.GroupBy ?? parent.GroupBy,
        GroupWait = child.GroupWait ?? parent.GroupWait,
        GroupInterval = child.GroupInterval ?? parent.GroupInterval,
        RepeatInterval = child.RepeatInterval ?? parent.RepeatInterval,
        Key = parent.Key + "/{" + string.Join(",", child.Matchers) + "}",
    };

    private static LabelSet Group(IReadOnlyList<string> groupBy, LabelSet labels) =>
        groupBy is ["..."] ? labels : labels.Project(groupBy.ToHashSet(StringComparer.Ordinal), without: false);
}
