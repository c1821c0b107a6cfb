using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>An alert instance as the evaluator holds it between evaluations (and stores after each).</summary>
public sealed class TrackedInstance(LabelSet labels)
{
    public LabelSet Labels { get; } = labels;

    public string Fingerprint { get; } = AlertFingerprint.Of(labels);

    public AlertInstanceState State { get; set; } = AlertInstanceState.Initial;

    public DateTimeOffset? StartsAt { get; set; }

    public DateTimeOffset? EndsAt { get; set; }

    public double? Value { get; set; }

    public string? Error { get; set; }

    public IReadOnlyDictionary<string, string> Annotations { get; set; } = new Dictionary<string, string>();

    public IReadOnlyList<string> LogLines { get; set; } = [];

    public DateTimeOffset? LastEvaluatedAt { get; set; }

    /// <summary>Returned by the last evaluation (or in a state that still needs one).</summary>
    public bool Current { get; set; }
}
