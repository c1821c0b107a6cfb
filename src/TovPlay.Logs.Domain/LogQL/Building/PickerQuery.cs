using System.Text.RegularExpressions;
using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.LogQL.Building;

/// <summary>
/// A log query as pickers show it: label values (each label equal to one value), levels (any of them), and a
/// text the line must contain, followed by the rest of the pipeline as it was written (a parser and the filters a
/// clicked field added), which the pickers keep but do not show. It turns into LogQL through the builder, and back
/// from any LogQL whose selector says no more than that, so the pickers and the LogQL editor stay in step.
/// </summary>
public sealed record PickerQuery
{
    public const string LevelLabel = "level";

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Levels { get; init; } = [];

    public string Text { get; init; } = "";

    /// <summary>The stages after the text, kept as they are.</summary>
    public IReadOnlyList<PipelineStage> Rest { get; init; } = [];

    /// <summary>The LogQL for it; with no label picked, every stream that has a <c>job</c>.</summary>
    public string ToLogQL()
    {
        var ordered = Labels.Where(p => p.Key != LevelLabel).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var builder = ordered.Count == 0
            ? LogQueryBuilder.AnyJob()
            : LogQueryBuilder.Stream(ordered[0].Key, ordered[0].Value);
        foreach (var (name, value) in ordered.Skip(1))
        {
            builder = builder.Where(name, MatchOperator.Equal, value);
        }

        if (Levels.Count > 0)
        {
            builder = Levels.Count == 1
                ? builder.Where(LevelLabel, MatchOperator.Equal, Levels[0])
                : builder.WhereAny(LevelLabel, Levels);
        }

        if (Text.Length > 0)
        {
            builder = builder.Contains(Text);
        }

        return builder.Then(Rest).ToString();
    }

    /// <summary>The picker form of <paramref name="query"/>, or null when it says more than pickers can show.</summary>
    public static PickerQuery? From(LogQueryExpr query)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var levels = new List<string>();
        foreach (var matcher in query.Selector.Matchers)
        {
            // The "nothing picked" selector, beside at most a level.
            if (matcher is { Name: "job", Operator: MatchOperator.Regex, Value: ".+" } && query.Selector.Matchers.All(m => m == matcher || m.Name == LevelLabel))
            {
                continue;
            }

            if (matcher.Name == LevelLabel && levels.Count == 0 && LevelsOf(matcher) is { } picked)
            {
                levels.AddRange(picked);
            }
            else if (matcher.Operator == MatchOperator.Equal && !labels.ContainsKey(matcher.Name) && matcher.Name != LevelLabel)
            {
                labels[matcher.Name] = matcher.Value;
            }
            else
            {
                return null;
            }
        }

        var text = "";
        IReadOnlyList<PipelineStage> rest = query.Pipeline;
        if (query.Pipeline is [LineFilterStage { Operator: LineFilterOperator.Contains, Values: [{ IsIp: false } only] }, ..])
        {
            text = only.Value;
            rest = [.. query.Pipeline.Skip(1)];
        }

        return new PickerQuery { Labels = labels, Levels = levels, Text = text, Rest = rest };
    }

    private static IReadOnlyList<string>? LevelsOf(LabelMatcher matcher) => matcher.Operator switch
    {
        MatchOperator.Equal => [matcher.Value],
        // Only a plain alternation of words: anything cleverer is shown as LogQL.
        MatchOperator.Regex when Regex.IsMatch(matcher.Value, "^[A-Za-z0-9_]+(\\|[A-Za-z0-9_]+)*$") => matcher.Value.Split('|'),
        _ => null,
    };
}
