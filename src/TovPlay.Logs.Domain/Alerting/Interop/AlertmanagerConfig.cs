using YamlDotNet.Core;

namespace TovPlay.Logs.Domain.Alerting.Interop;

/// <summary>A Discord receiver as Alertmanager 0.25 knows it: address, title, message, whether resolutions are sent.</summary>
public sealed record DiscordReceiver(string Name, string? WebhookUrl, string? Title, string? Message, bool SendResolved);

/// <summary>What an Alertmanager configuration holds for us: the routing, the Discord receivers, the time intervals.</summary>
public sealed record AlertmanagerSetup(AlertRoute Root, IReadOnlyList<DiscordReceiver> Receivers, IReadOnlyList<MuteTiming> MuteTimings);

/// <summary>
/// The routing with its contact points as an Alertmanager configuration (<c>route</c>, <c>receivers</c> with
/// <c>discord_configs</c>, <c>time_intervals</c>), which Alertmanager 0.25 loads as is, and back. Webhook addresses are
/// secrets: without them, the export carries a placeholder to fill in.
/// </summary>
public static class AlertmanagerConfig
{
    /// <summary>An Alertmanager file may hold what we do not use (other receivers, inhibit rules, global settings): those are skipped.</summary>
    private static readonly YamlDotNet.Serialization.IDeserializer s_lenient = new YamlDotNet.Serialization.DeserializerBuilder()
        .WithNamingConvention(YamlDotNet.Serialization.NamingConventions.UnderscoredNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    public const string PlaceholderUrl = "https://discord.com/api/webhooks/FILL-IN-THE-WEBHOOK-URL";

    public static string Export(AlertmanagerSetup setup)
    {
        var config = new ConfigNode
        {
            Route = ToNode(setup.Root),
            Receivers = [.. setup.Receivers.Select(r => new ReceiverNode
            {
                Name = r.Name,
                DiscordConfigs =
                [
                    new DiscordNode
                    {
                        WebhookUrl = r.WebhookUrl ?? PlaceholderUrl,
                        // Alertmanager's own defaults say the same; only a changed template is written.
                        Title = r.Title is { } t && t != DiscordSettings.DefaultTitle ? t : null,
                        Message = r.Message is { } m && m != DiscordSettings.DefaultMessage ? m : null,
                        SendResolved = r.SendResolved,
                    },
                ],
            })],
            TimeIntervals = setup.MuteTimings.Count == 0 ? null : [.. setup.MuteTimings.Select(m => new TimeIntervalNode
            {
                Name = m.Name,
                TimeIntervals = [.. m.Windows.Select(w => new WindowNode
                {
                    Times = w.Times.Count == 0 ? null : [.. w.Times.Select(t => new TimeRangeNode { StartTime = Clock(t.Start), EndTime = Clock(t.End) })],
                    Weekdays = Items(w.WeekdaysText),
                    DaysOfMonth = Items(w.DaysOfMonthText),
                    Months = Items(w.MonthsText),
                    Location = w.Location == "UTC" ? null : w.Location,
                })],
            })],
        };
        return RuleFile.Serializer.Serialize(config);
    }

    public static ImportResult<AlertmanagerSetup> Import(string yaml)
    {
        if (yaml.Length > RuleFile.MaxBytes)
        {
            return new ImportResult<AlertmanagerSetup>([], [$"The file is larger than {RuleFile.MaxBytes / 1024 / 1024} MB."]);
        }

        ConfigNode? config;
        try
        {
            config = s_lenient.Deserialize<ConfigNode>(yaml);
        }
        catch (YamlException ex)
        {
            return new ImportResult<AlertmanagerSetup>([], [$"line {ex.Start.Line}, column {ex.Start.Column}: {ex.InnerException?.Message ?? ex.Message}"]);
        }

        var problems = new List<string>();
        if (config?.Route is null)
        {
            return new ImportResult<AlertmanagerSetup>([], ["The file has no route: it is not an Alertmanager configuration."]);
        }

        var receivers = new List<DiscordReceiver>();
        foreach (var receiver in config.Receivers ?? [])
        {
            if (receiver.DiscordConfigs is not { Count: > 0 } discord)
            {
                problems.Add($"receiver {receiver.Name}: only Discord receivers are imported; it was left out.");
                continue;
            }

            if (discord.Count > 1)
            {
                problems.Add($"receiver {receiver.Name}: only its first Discord webhook is imported.");
            }

            var first = discord[0];
            receivers.Add(new DiscordReceiver(receiver.Name ?? "", first.WebhookUrl == PlaceholderUrl ? null : first.WebhookUrl, first.Title, first.Message, first.SendResolved ?? true));
        }

        var timings = new List<MuteTiming>();
        foreach (var interval in (config.TimeIntervals ?? []).Concat(config.MuteTimeIntervals ?? []))
        {
            var windows = new List<MuteWindow>();
            foreach (var window in interval.TimeIntervals ?? [])
            {
                var (read, windowProblems) = MuteWindow.Parse(
                    string.Join(", ", (window.Times ?? []).Select(t => $"{t.StartTime}-{t.EndTime}")), string.Join(", ", window.Weekdays ?? []),
                    string.Join(", ", window.DaysOfMonth ?? []), string.Join(", ", window.Months ?? []), window.Location ?? "");
                problems.AddRange(windowProblems.Select(p => $"time interval {interval.Name}: {p.Message}"));
                if (read is not null)
                {
                    windows.Add(read);
                }
            }

            timings.Add(new MuteTiming(interval.Name ?? "", windows));
        }

        var root = ToRoute(config.Route, "route", problems);
        return new ImportResult<AlertmanagerSetup>([new AlertmanagerSetup(root, receivers, timings)], problems);
    }

    private static RouteNode ToNode(AlertRoute route) => new()
    {
        Receiver = route.Receiver,
        GroupBy = route.GroupBy?.ToList(),
        GroupWait = route.GroupWait is { } w ? AlertDurations.Format(w) : null,
        GroupInterval = route.GroupInterval is { } i ? AlertDurations.Format(i) : null,
        RepeatInterval = route.RepeatInterval is { } r ? AlertDurations.Format(r) : null,
        Matchers = route.Matchers.Count == 0 ? null : [.. route.Matchers.Select(m => m.ToString())],
        Continue = route.Continue ? true : null,
        MuteTimeIntervals = route.MuteTimings.Count == 0 ? null : [.. route.MuteTimings],
        ActiveTimeIntervals = route.ActiveTimings.Count == 0 ? null : [.. route.ActiveTimings],
        Routes = route.Routes.Count == 0 ? null : [.. route.Routes.Select(ToNode)],
    };

    private static AlertRoute ToRoute(RouteNode node, string path, List<string> problems)
    {
        var matchers = new List<AlertMatcher>();
        foreach (var text in node.Matchers ?? [])
        {
            try
            {
                matchers.Add(AlertMatcher.Parse(text));
            }
            catch (FormatException ex)
            {
                problems.Add($"{path}: {ex.Message}");
            }
        }

        // The older forms, still read by Alertmanager: match (equality) and match_re (regex).
        matchers.AddRange((node.Match ?? []).Select(m => new AlertMatcher(m.Key, AlertMatchType.Equal, m.Value)));
        matchers.AddRange((node.MatchRe ?? []).Select(m => new AlertMatcher(m.Key, AlertMatchType.Regex, m.Value)));
        return new AlertRoute
        {
            Receiver = node.Receiver,
            GroupBy = node.GroupBy,
            GroupWait = Duration(node.GroupWait, path, problems),
            GroupInterval = Duration(node.GroupInterval, path, problems),
            RepeatInterval = Duration(node.RepeatInterval, path, problems),
            Matchers = matchers,
            Continue = node.Continue == true,
            MuteTimings = node.MuteTimeIntervals ?? [],
            ActiveTimings = node.ActiveTimeIntervals ?? [],
            Routes = [.. (node.Routes ?? []).Select((r, i) => ToRoute(r, $"{path}.routes[{i}]", problems))],
        };
    }

    private static TimeSpan? Duration(string? text, string path, List<string> problems)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (AlertDurations.TryParse(text, out var value))
        {
            return value;
        }

        problems.Add($"{path}: \"{text}\" is not a duration.");
        return null;
    }

    private static List<string>? Items(string text) => text.Length == 0 ? null : [.. text.Split(", ")];

    private static string Clock(int minutes) => $"{minutes / 60:00}:{minutes % 60:00}";

    private sealed class ConfigNode
    {
        public RouteNode? Route { get; set; }

        public List<ReceiverNode>? Receivers { get; set; }

        public List<TimeIntervalNode>? TimeIntervals { get; set; }

        public List<TimeIntervalNode>? MuteTimeIntervals { get; set; }
    }

    private sealed class RouteNode
    {
        public string? Receiver { get; set; }

        public List<string>? GroupBy { get; set; }

        public string? GroupWait { get; set; }

        public string? GroupInterval { get; set; }

        public string? RepeatInterval { get; set; }

        public List<string>? Matchers { get; set; }

        public Dictionary<string, string>? Match { get; set; }

        public Dictionary<string, string>? MatchRe { get; set; }

        public bool? Continue { get; set; }

        public List<string>? MuteTimeIntervals { get; set; }

        public List<string>? ActiveTimeIntervals { get; set; }

        public List<RouteNode>? Routes { get; set; }
    }

    private sealed class ReceiverNode
    {
        public string? Name { get; set; }

        public List<DiscordNode>? DiscordConfigs { get; set; }
    }

    private sealed class DiscordNode
    {
        public string? WebhookUrl { get; set; }

        public string? Title { get; set; }

        public string? Message { get; set; }

        public bool? SendResolved { get; set; }
    }

    private sealed class TimeIntervalNode
    {
        public string? Name { get; set; }

        public List<WindowNode>? TimeIntervals { get; set; }
    }

    private sealed class WindowNode
    {
        public List<TimeRangeNode>? Times { get; set; }

        public List<string>? Weekdays { get; set; }

        public List<string>? DaysOfMonth { get; set; }

        public List<string>? Months { get; set; }

        public string? Location { get; set; }
    }

    private sealed class TimeRangeNode
    {
        public string? StartTime { get; set; }

        public string? EndTime { get; set; }
    }
}
