using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary>
/// <c>| json | filter</c> fused: reads only the fields the filter needs, tests the filter, and parses the whole line
/// only for entries that pass. Same result as the two stages one after the other, without building labels for the
/// lines the filter drops. Used only when the filter reads plain fields (not <c>__error__</c> nor <c>*_extracted</c>).
/// </summary>
internal sealed class FilteredJsonParser : IUtf8Stage
{
    private readonly LabelFilterPredicate _filter;
    private readonly string[] _names;
    private readonly JsonFlattener _needed;
    private readonly JsonFlattener _all;
    private readonly Utf8JsonFlattener _neededUtf8;
    private readonly Utf8JsonFlattener _allUtf8;

    private FilteredJsonParser(LabelFilter filter, string[] names, string[]? wanted)
    {
        _filter = new LabelFilterPredicate(filter);
        _names = names;
        _needed = new JsonFlattener(names);
        _all = new JsonFlattener(wanted);
        _neededUtf8 = new Utf8JsonFlattener(names);
        _allUtf8 = new Utf8JsonFlattener(wanted);
    }

    public bool ReadsUtf8 => true;

    public bool? ProcessUtf8(long timestampNs, ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        // A line the byte reader leaves to the text reader, an invalid one included, goes the text way whole.
        if (!_neededUtf8.TryFlatten(line, labels.ParsedSink))
        {
            return null;
        }

        if (!_filter.Test(labels))
        {
            return false;
        }

        return _allUtf8.TryFlatten(line, labels.ParsedSink) ? true : null;
    }

    /// <param name="wanted">The only fields later stages need, or null for all.</param>
    public static bool TryCreate(LabelFilter filter, string[]? wanted, out FilteredJsonParser parser)
    {
        var names = Names(filter).Distinct(StringComparer.Ordinal).ToArray();
        var fusable = names.All(n => !n.StartsWith("__", StringComparison.Ordinal) && !n.EndsWith("_extracted", StringComparison.Ordinal));
        parser = fusable ? new FilteredJsonParser(filter, names, wanted) : null!;
        return fusable;
    }

    /// <summary>The label names a filter reads.</summary>
    public static IEnumerable<string> Names(LabelFilter filter) => filter switch
    {
        AndLabelFilter and => Names(and.Left).Concat(Names(and.Right)),
        OrLabelFilter or => Names(or.Left).Concat(Names(or.Right)),
        StringLabelFilter s => [s.Label],
        NumberLabelFilter n => [n.Label],
        DurationLabelFilter d => [d.Label],
        BytesLabelFilter b => [b.Label],
        IpLabelFilter ip => [ip.Label],
        _ => ["__unknown__"],
    };

    public bool Process(long timestampNs, ref string line, LabelsBuilder labels)
    {
        // Both readers scan the same grammar, so they fail at the same place with the same message; on failure the
        // whole-line read adds exactly what the json stage would have added before its error.
        if (_needed.Flatten(line, labels.ParsedSink) is { } error)
        {
            _all.Flatten(line, labels.ParsedSink);
            labels.SetError(JsonParser.Error, error);
            return _filter.Test(labels);
        }

        if (!_filter.Test(labels))
        {
            return false;
        }

        _all.Flatten(line, labels.ParsedSink); // succeeds: the needed-fields read already scanned the whole line
        return true;
    }
}
