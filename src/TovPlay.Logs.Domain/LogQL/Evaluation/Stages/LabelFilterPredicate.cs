using System.Globalization;
using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary>
/// A compiled label-filter tree, with Loki's rules for entries in error: a numeric, duration, byte or IP comparison
/// keeps an entry that already has an <c>__error__</c> (a line <c>| json</c> could not parse) — only string matchers,
/// such as <c>__error__=""</c>, take such entries out — and a value that does not convert keeps the entry with
/// <c>__error__="LabelFilterErr"</c>, so the operator sees it rather than losing it silently.
/// </summary>
internal sealed class LabelFilterPredicate : IStage
{
    public const string Error = "LabelFilterErr";

    private readonly Func<LabelsBuilder, bool> _test;

    public LabelFilterPredicate(LabelFilter filter) => _test = Compile(filter);

    public bool Process(long timestampNs, ref string line, LabelsBuilder labels) => _test(labels);

    public bool Test(LabelsBuilder labels) => _test(labels);

    private static Func<LabelsBuilder, bool> Compile(LabelFilter filter)
    {
        switch (filter)
        {
            case AndLabelFilter and:
                var (l, r) = (Compile(and.Left), Compile(and.Right));
                return labels => l(labels) && r(labels);
            case OrLabelFilter or:
                var (first, second) = (Compile(or.Left), Compile(or.Right));
                return labels => first(labels) || second(labels);
            case StringLabelFilter s:
                var matches = ValueMatcher.Compile(s.Operator, s.Value);
                return labels => matches(labels.Get(s.Label) ?? "");
            case NumberLabelFilter n:
                return Numeric(n.Label, n.Operator, n.Value, Number);
            case DurationLabelFilter d:
                return Numeric(d.Label, d.Operator, d.Value.TotalSeconds, Duration);
            case BytesLabelFilter size:
                return Numeric(size.Label, size.Operator, size.Value.Value, Bytes);
            case IpLabelFilter ip:
                var inRange = IpMatcher.Compile(ip.Pattern);
                return labels =>
                {
                    if (labels.HasError)
                    {
                        return true;
                    }

                    // A missing label fails the filter both ways (= and !=), as in Loki.
                    var value = labels.Get(ip.Label);
                    if (value is null)
                    {
                        return false;
                    }

                    var hit = IpMatcher.TryParseStrict(value, out var address) && inRange(address);
                    return hit != ip.Negated;
                };
            default:
                throw new EvaluationException($"label filter {filter.GetType().Name} is not supported");
        }
    }

    private delegate bool Converter(string text, out double value);

    private static Func<LabelsBuilder, bool> Numeric(string label, CompareOperator op, double operand, Converter convert) => labels =>
    {
        if (labels.HasError)
        {
            return true;
        }

        var text = labels.Get(label);
        if (text is null)
        {
            return false;
        }

        if (!convert(text, out var value))
        {
            labels.SetError(Error, $"cannot convert \"{text}\" in label {label}");
            return true;
        }

        return op switch
        {
            CompareOperator.Equal => value == operand,
            CompareOperator.NotEqual => value != operand,
            CompareOperator.Greater => value > operand,
            CompareOperator.GreaterOrEqual => value >= operand,
            CompareOperator.Less => value < operand,
            _ => value <= operand,
        };
    };

    public static bool Number(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>Go durations in seconds (<c>1.5s</c>, <c>250ms</c>).</summary>
    public static bool Duration(string text, out double value)
    {
        var ok = LogQLDuration.TryParse(text.StartsWith('-') ? text[1..] : text, out var duration);
        value = ok ? duration.TotalSeconds * (text.StartsWith('-') ? -1 : 1) : 0;
        return ok;
    }

    public static bool Bytes(string text, out double value)
    {
        var ok = LogQLBytes.TryParse(text.Replace(" ", "", StringComparison.Ordinal), out var bytes);
        value = ok ? bytes.Value : 0;
        return ok;
    }
}
