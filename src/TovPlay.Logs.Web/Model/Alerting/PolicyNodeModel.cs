using TovPlay.Logs.Domain.Alerting;

namespace TovPlay.Logs.Web.Model.Alerting;

/// <summary>
/// One policy of the tree as the form edits it: matchers one per line, group_by and timings as text (empty inherits
/// from the parent, as in Alertmanager), child policies below.
/// </summary>
public sealed class PolicyNodeModel
{
    public string Receiver { get; set; } = "";

    public string Matchers { get; set; } = "";

    public string GroupBy { get; set; } = "";

    public string GroupWait { get; set; } = "";

    public string GroupInterval { get; set; } = "";

    public string RepeatInterval { get; set; } = "";

    public bool Continue { get; set; }

    public IReadOnlyCollection<string> MuteTimings { get; set; } = [];

    public List<PolicyNodeModel> Children { get; } = [];

    public static PolicyNodeModel From(AlertRoute route)
    {
        var node = new PolicyNodeModel
        {
            Receiver = route.Receiver ?? "",
            Matchers = string.Join("\n", route.Matchers.Select(m => m.ToString())),
            GroupBy = route.GroupBy is null ? "" : string.Join(", ", route.GroupBy),
            GroupWait = PolicyTreeText(route.GroupWait),
            GroupInterval = PolicyTreeText(route.GroupInterval),
            RepeatInterval = PolicyTreeText(route.RepeatInterval),
            Continue = route.Continue,
            MuteTimings = [.. route.MuteTimings],
        };
        node.Children.AddRange(route.Routes.Select(From));
        return node;
    }

    /// <summary>The route as typed; what does not read is in <paramref name="problems"/>, named by the policy's path.</summary>
    public AlertRoute ToRoute(string path, List<FieldProblem> problems)
    {
        var matchers = new List<AlertMatcher>();
        foreach (var line in Matchers.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                matchers.Add(AlertMatcher.Parse(line));
            }
            catch (FormatException ex)
            {
                problems.Add(new FieldProblem(path, ex.Message));
            }
        }

        return new AlertRoute
        {
            Receiver = Receiver.Length == 0 ? null : Receiver,
            Matchers = matchers,
            GroupBy = GroupBy.Trim().Length == 0 ? null : GroupBy.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            GroupWait = Duration(GroupWait, path, "group wait", problems),
            GroupInterval = Duration(GroupInterval, path, "group interval", problems),
            RepeatInterval = Duration(RepeatInterval, path, "repeat interval", problems),
            Continue = Continue,
            MuteTimings = [.. MuteTimings],
            Routes = [.. Children.Select((c, i) => c.ToRoute($"{path} › {i + 1}", problems))],
        };
    }

    private static TimeSpan? Duration(string text, string path, string name, List<FieldProblem> problems)
    {
        if (text.Trim().Length == 0)
        {
            return null;
        }

        if (AlertDurations.TryParse(text, out var value))
        {
            return value;
        }

        problems.Add(new FieldProblem(path, $"The {name} \"{text}\" is not a duration: write 30s, 5m, 4h (empty inherits)."));
        return null;
    }

    private static string PolicyTreeText(TimeSpan? value) => value is { } v ? AlertDurations.Format(v) : "";
}
