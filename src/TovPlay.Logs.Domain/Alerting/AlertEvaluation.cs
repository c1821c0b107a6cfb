using TovPlay.Logs.Domain.Alerting.Templates;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Alerting;

/// <summary>One series a rule's query returned at an evaluation.</summary>
public sealed record AlertSample(LabelSet Labels, double Value);

/// <summary>What an evaluation says of one alert instance, under its final labels.</summary>
public sealed record InstanceOutcome(LabelSet Labels, EvaluationOutcome Outcome, double? Value = null, string? Error = null);

/// <summary>
/// From a query's answer to each instance's outcome. A series is an instance, labelled with the series' labels, the
/// rule's labels and <c>alertname</c>. The rule itself is an instance too (its labels alone): it carries no data and
/// errors, so a failing query is one alert rather than one per series, and series keep their state while the query
/// cannot say anything about them. A series that is no longer returned is Ok (it resolves).
/// </summary>
public static class AlertEvaluation
{
    public static LabelSet LabelsOf(AlertRule rule, LabelSet series)
    {
        var pairs = series.Pairs.Where(p => p.Key != "__name__").ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var (name, value) in rule.Labels)
        {
            pairs[name] = value;
        }

        pairs[AlertLabelNames.AlertName] = rule.Name;
        return LabelSet.From(pairs);
    }

    /// <param name="samples">The answer, or null when the query failed with <paramref name="error"/>.</param>
    /// <param name="known">The labels of the instances the rule already has.</param>
    public static IReadOnlyList<InstanceOutcome> Outcomes(AlertRule rule, IReadOnlyList<AlertSample>? samples, string? error, IEnumerable<LabelSet> known)
    {
        var ruleLabels = LabelsOf(rule, LabelSet.Empty);
        if (samples is null)
        {
            return [new InstanceOutcome(ruleLabels, EvaluationOutcome.Error, Error: error ?? "the query failed")];
        }

        var outcomes = new Dictionary<LabelSet, InstanceOutcome>();
        foreach (var sample in samples)
        {
            var labels = LabelsOf(rule, sample.Labels);
            if (outcomes.ContainsKey(labels))
            {
                // Prometheus refuses such an answer too: two series would be one alert.
                return [new InstanceOutcome(ruleLabels, EvaluationOutcome.Error,
                    Error: $"the query returned two series with the labels {labels} once the rule's labels were added")];
            }

            var breaching = rule.Threshold?.Holds(sample.Value) ?? true;
            outcomes[labels] = new InstanceOutcome(labels, breaching ? EvaluationOutcome.Breaching : EvaluationOutcome.Ok, sample.Value);
        }

        var noData = samples.Count == 0 && rule.Threshold is not null;
        if (!outcomes.ContainsKey(ruleLabels))
        {
            outcomes[ruleLabels] = new InstanceOutcome(ruleLabels, noData ? EvaluationOutcome.NoData : EvaluationOutcome.Ok);
        }

        foreach (var labels in known)
        {
            outcomes.TryAdd(labels, new InstanceOutcome(labels, EvaluationOutcome.Ok));
        }

        return [.. outcomes.Values];
    }

    /// <summary>The rule's annotations with <c>$labels</c>, <c>$value</c> and <c>$externalURL</c>; a failing template shows its error in place.</summary>
    public static IReadOnlyDictionary<string, string> Annotations(AlertRule rule, LabelSet labels, double? value, string externalUrl = "")
    {
        var variables = new Dictionary<string, object?>
        {
            ["labels"] = new TemplateMap(labels.Pairs),
            ["value"] = value ?? double.NaN,
            ["externalURL"] = externalUrl,
        };
        return rule.Annotations.Where(a => a.Value.Length > 0)
            .ToDictionary(a => a.Key, a => AlertTemplate.RenderOrError(a.Value, null, variables), StringComparer.Ordinal);
    }
}
