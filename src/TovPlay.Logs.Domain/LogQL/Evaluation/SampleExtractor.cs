using System.Text;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation.Stages;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>
/// Turns a range aggregation's entries into samples, grouped into series by their labels: 1 per entry for counting,
/// the line's byte length for bytes, the unwrapped label otherwise. It holds a compiled pipeline and label buffers,
/// so it serves one thread; several extract one query's entries side by side.
/// </summary>
internal sealed class SampleExtractor
{
    private readonly UnwrapExpr? _unwrap;
    private readonly LogPipeline _pipeline;
    private readonly LabelFilterPredicate[] _postFilters;
    private readonly bool _countsBytes;
    private readonly string[]? _byLabels;
    private readonly LabelsBuilder _labels = new();

    // Label sets already built, by their values joined: most lines repeat a few of them.
    private readonly Dictionary<string, LabelSet> _keys = new(StringComparer.Ordinal);

    public SampleExtractor(RangeAggregationExpr expr)
    {
        var range = expr.Range;
        _unwrap = range.Unwrap;

        // With "by", the result carries only the named labels: the pipeline need not extract any others.
        var required = expr.Grouping is { Without: false } grouping
            ? grouping.Labels.Concat(_unwrap is null ? [] : [_unwrap.Label]).Concat(_unwrap?.PostFilters.SelectMany(FilteredJsonParser.Names) ?? []).ToList()
            : null;
        _pipeline = LogPipeline.Compile(range.Log.Pipeline, required);
        _postFilters = _unwrap?.PostFilters.Select(f => new LabelFilterPredicate(f)).ToArray() ?? [];
        _countsBytes = expr.Operation is RangeOperation.BytesOverTime or RangeOperation.BytesRate;

        // With "by", only the named labels survive the grouping: build the series key from them alone, rather than a
        // full label set per line that is thrown away when it is regrouped (json output makes nearly every one unique).
        _byLabels = expr.Grouping is { Without: false } by
            ? by.Labels.Where(n => n != _unwrap?.Label && n != LabelsBuilder.ErrorLabel).Distinct().ToArray()
            : null;
    }

    /// <summary>True when each entry costs more than reading it: a parser, a formatter, a label filter.</summary>
    public bool PipelineWorksPerLine => _pipeline.ChangesLabels;

    /// <summary>True when the extractor can read entries with their lines still UTF-8.</summary>
    public bool ReadsUtf8 => _pipeline.ReadsUtf8;

    /// <summary>Adds the samples of one stream's entries, in their order, to <paramref name="series"/>.</summary>
    public void Extract(LabelSet stream, IEnumerable<LogEntry> entries, Dictionary<LabelSet, List<(long Ts, double Value)>> series)
    {
        var fixedList = FixedSeries(stream, series);
        foreach (var entry in entries)
        {
            Sample(entry, stream, fixedList, series);
        }
    }

    /// <summary>The same for a batch held in memory: walked without an interface call per entry.</summary>
    public void Extract(LabelSet stream, ReadOnlySpan<LogEntry> entries, Dictionary<LabelSet, List<(long Ts, double Value)>> series)
    {
        var fixedList = FixedSeries(stream, series);
        foreach (ref readonly var entry in entries)
        {
            Sample(entry, stream, fixedList, series);
        }
    }

    /// <summary>The same for entries whose lines are UTF-8, when <see cref="ReadsUtf8"/>.</summary>
    public void Extract(LabelSet stream, IEnumerable<Utf8Entry> entries, Dictionary<LabelSet, List<(long Ts, double Value)>> series)
    {
        var fixedList = FixedSeries(stream, series);
        foreach (var entry in entries)
        {
            Sample(entry, stream, fixedList, series);
        }
    }

    /// <summary>The same for a batch of UTF-8 entries held in memory.</summary>
    public void Extract(LabelSet stream, ReadOnlySpan<Utf8Entry> entries, Dictionary<LabelSet, List<(long Ts, double Value)>> series)
    {
        var fixedList = FixedSeries(stream, series);
        foreach (ref readonly var entry in entries)
        {
            Sample(entry, stream, fixedList, series);
        }
    }

    private void Sample(in LogEntry entry, LabelSet stream, List<(long, double)>? fixedList, Dictionary<LabelSet, List<(long Ts, double Value)>> series)
    {
        if (_pipeline.Process(entry, stream, _labels, out var line))
        {
            Add(entry.TimestampNs, entry.Metadata, _countsBytes ? Encoding.UTF8.GetByteCount(line) : 0, fixedList, series);
        }
    }

    private void Sample(in Utf8Entry entry, LabelSet stream, List<(long, double)>? fixedList, Dictionary<LabelSet, List<(long Ts, double Value)>> series)
    {
        if (_pipeline.Process(entry, stream, _labels))
        {
            Add(entry.TimestampNs, entry.Metadata, entry.Line.Length, fixedList, series);
        }
    }

    /// <summary>Without label-changing stages every sample of the stream lands in one series: looked up once.</summary>
    private List<(long, double)>? FixedSeries(LabelSet stream, Dictionary<LabelSet, List<(long Ts, double Value)>> series)
    {
        if (_pipeline.ChangesLabels || _unwrap is not null)
        {
            return null;
        }

        if (!series.TryGetValue(stream, out var fixedList))
        {
            fixedList = [];
            series[stream] = fixedList;
        }

        return fixedList;
    }

    /// <summary>Adds the sample of an entry that went through the pipeline; its labels are in the builder.</summary>
    private void Add(long timestampNs, LabelSet? metadata, int lineBytes, List<(long, double)>? fixedList, Dictionary<LabelSet, List<(long Ts, double Value)>> series)
    {
        double value = 1;
        if (_countsBytes)
        {
            value = lineBytes;
        }
        else if (_unwrap is not null)
        {
            if (!TryUnwrap(_unwrap, _labels, out value) || !PassesAll(_postFilters, _labels))
            {
                return;
            }
        }

        if (fixedList is not null && metadata is null)
        {
            fixedList.Add((timestampNs, value));
            return;
        }

        var key = SeriesKey();
        if (!series.TryGetValue(key, out var list))
        {
            list = [];
            series[key] = list;
        }

        list.Add((timestampNs, value));
    }

    private LabelSet SeriesKey()
    {
        if (_byLabels is null || _labels.HasError)
        {
            // Full labels: also when the line failed, so the error check can name its whole series.
            var full = _labels.ToLabelSet();
            return _unwrap is null ? full : full.Without(_unwrap.Label);
        }

        var values = _byLabels.Length == 1
            ? _labels.Get(_byLabels[0]) ?? ""
            : string.Join('\u0001', _byLabels.Select(n => _labels.Get(n) ?? ""));
        if (!_keys.TryGetValue(values, out var key))
        {
            key = LabelSet.From([.. _byLabels.Select(n => new KeyValuePair<string, string>(n, _labels.Get(n) ?? ""))]);
            _keys[values] = key;
        }

        return key;
    }

    private static bool PassesAll(LabelFilterPredicate[] filters, LabelsBuilder labels)
    {
        foreach (var filter in filters)
        {
            if (!filter.Test(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The unwrapped value, false for a line without the label (or with it empty): Loki skips such a line rather than
    /// failing the query, so a stream with a few lines of another shape still has a metric. A value that does not
    /// convert is a sample in error (<c>SampleExtractionErr</c>), which fails the query unless a filter drops it.
    /// </summary>
    private static bool TryUnwrap(UnwrapExpr unwrap, LabelsBuilder labels, out double value)
    {
        value = 0;
        var text = labels.Get(unwrap.Label);
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var ok = unwrap.Conversion switch
        {
            UnwrapConversion.Duration or UnwrapConversion.DurationSeconds => LabelFilterPredicate.Duration(text, out value),
            UnwrapConversion.Bytes => LabelFilterPredicate.Bytes(text, out value),
            _ => LabelFilterPredicate.Number(text, out value),
        };
        if (!ok)
        {
            labels.SetError(RangeAggregator.SampleExtractionError, $"cannot unwrap \"{text}\" of label {unwrap.Label}");
            value = 0;
        }

        return true;
    }
}
