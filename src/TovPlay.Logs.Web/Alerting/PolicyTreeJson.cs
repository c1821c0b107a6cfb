using System.Text.Json;
using System.Text.Json.Serialization;
using TovPlay.Logs.Domain.Alerting;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>
/// The policy tree as stored: Alertmanager's route fields, durations in its text form (<c>30s</c>, <c>4h</c>),
/// matchers as its matcher texts.
/// </summary>
public static class PolicyTreeJson
{
    private static readonly JsonSerializerOptions s_options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 64,
    };

    public static string Write(AlertRoute root) => JsonSerializer.Serialize(ToNode(root), s_options);

    /// <exception cref="FormatException">The stored tree is damaged; the message says where.</exception>
    public static AlertRoute Read(string json)
    {
        var node = JsonSerializer.Deserialize<Node>(json, s_options) ?? throw new FormatException("the policy tree is empty");
        return ToRoute(node);
    }

    private static Node ToNode(AlertRoute route) => new()
    {
        Receiver = route.Receiver,
        Matchers = route.Matchers.Count == 0 ? null : [.. route.Matchers.Select(m => m.ToString())],
        GroupBy = route.GroupBy?.ToList(),
        GroupWait = Duration(route.GroupWait),
        GroupInterval = Duration(route.GroupInterval),
        RepeatInterval = Duration(route.RepeatInterval),
        Continue = route.Continue ? true : null,
        MuteTimings = route.MuteTimings.Count == 0 ? null : [.. route.MuteTimings],
        ActiveTimings = route.ActiveTimings.Count == 0 ? null : [.. route.ActiveTimings],
        Routes = route.Routes.Count == 0 ? null : [.. route.Routes.Select(ToNode)],
    };

    private static AlertRoute ToRoute(Node node) => new()
    {
        Receiver = string.IsNullOrEmpty(node.Receiver) ? null : node.Receiver,
        Matchers = [.. (node.Matchers ?? []).Select(AlertMatcher.Parse)],
        GroupBy = node.GroupBy,
        GroupWait = ParseDuration(node.GroupWait),
        GroupInterval = ParseDuration(node.GroupInterval),
        RepeatInterval = ParseDuration(node.RepeatInterval),
        Continue = node.Continue == true,
        MuteTimings = node.MuteTimings ?? [],
        ActiveTimings = node.ActiveTimings ?? [],
        Routes = [.. (node.Routes ?? []).Select(ToRoute)],
    };

    public static string? Duration(TimeSpan? span) => span is { } value ? AlertDurations.Format(value) : null;

    private static TimeSpan? ParseDuration(string? text) =>
        string.IsNullOrEmpty(text) ? null : AlertDurations.TryParse(text, out var value) ? value : throw new FormatException($"\"{text}\" is not a duration");

    private sealed class Node
    {
        [JsonPropertyName("receiver")]
        public string? Receiver { get; set; }

        [JsonPropertyName("matchers")]
        public List<string>? Matchers { get; set; }

        [JsonPropertyName("group_by")]
        public List<string>? GroupBy { get; set; }

        [JsonPropertyName("group_wait")]
        public string? GroupWait { get; set; }

        [JsonPropertyName("group_interval")]
        public string? GroupInterval { get; set; }

        [JsonPropertyName("repeat_interval")]
        public string? RepeatInterval { get; set; }

        [JsonPropertyName("continue")]
        public bool? Continue { get; set; }

        [JsonPropertyName("mute_time_intervals")]
        public List<string>? MuteTimings { get; set; }

        [JsonPropertyName("active_time_intervals")]
        public List<string>? ActiveTimings { get; set; }

        [JsonPropertyName("routes")]
        public List<Node>? Routes { get; set; }
    }
}
