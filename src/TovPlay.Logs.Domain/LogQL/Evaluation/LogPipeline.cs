using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation.Stages;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>
/// A log pipeline compiled once per query. An entry goes through the stages in order; line filters before the
/// first parser never touch labels, so a pipeline of line filters alone costs no allocation per line.
/// </summary>
public sealed class LogPipeline
{
    private readonly LineFilter[] _leadingLineFilters;
    private readonly IStage[] _stages;

    private LogPipeline(LineFilter[] leadingLineFilters, IStage[] stages, bool changesLabels)
    {
        _leadingLineFilters = leadingLineFilters;
        _stages = stages;
        ChangesLabels = changesLabels;

        // Only label filters may follow the stage that reads the bytes: they look at labels, never at the line.
        ReadsUtf8 = leadingLineFilters.Length == 0 && stages is [IUtf8Stage { ReadsUtf8: true }, .. var rest]
            && rest.All(s => s is LabelFilterPredicate);
    }

    /// <summary>
    /// True when an entry can be given with its line still UTF-8 (<see cref="Process(in Utf8Entry, LabelSet, LabelsBuilder)"/>):
    /// a json parser followed by label filters at most, the shape of most metric queries over structured logs.
    /// </summary>
    public bool ReadsUtf8 { get; }

    /// <summary>False when every stage is a line filter: the output labels are the stream's own.</summary>
    public bool ChangesLabels { get; }

    /// <param name="requiredLabels">
    /// The labels the caller reads from the result (a metric query's <c>by</c> labels and unwrapped label), or null
    /// for all. When only label filters follow a plain <c>| json</c>, it then extracts just those and the ones the
    /// filters read, instead of every field of every line.
    /// </param>
    public static LogPipeline Compile(IReadOnlyList<PipelineStage> stages, IReadOnlyCollection<string>? requiredLabels = null)
    {
        // Line filters before the first other stage run on the raw line, before any label work.
        var leading = stages.TakeWhile(s => s is LineFilterStage).Cast<LineFilterStage>().Select(s => new LineFilter(s)).ToArray();
        var rest = stages.Skip(leading.Length).ToList();
        return new LogPipeline(leading, [.. CompileStages(rest, WantedJsonFields(rest, requiredLabels))], rest.Count > 0);
    }

    private static string[]? WantedJsonFields(List<PipelineStage> stages, IReadOnlyCollection<string>? required)
    {
        if (required is null || stages is not [JsonParserStage { Extractions.Count: 0 }, .. var after] || !after.All(s => s is LabelFilterStage))
        {
            return null;
        }

        // A field that clashes with a stream label arrives as name_extracted: ask the reader for its plain name too.
        var names = required.Concat(after.Cast<LabelFilterStage>().SelectMany(f => FilteredJsonParser.Names(f.Filter)));
        return [.. names.SelectMany(n => n.EndsWith("_extracted", StringComparison.Ordinal) ? [n, n[..^"_extracted".Length]] : new[] { n })
            .Where(n => !n.StartsWith("__", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)];
    }

    private static IEnumerable<IStage> CompileStages(List<PipelineStage> stages, string[]? wantedJson)
    {
        for (var i = 0; i < stages.Count; i++)
        {
            // json followed by a label filter: test the filter on the few fields it reads before parsing the rest.
            if (stages[i] is JsonParserStage { Extractions.Count: 0 } && i + 1 < stages.Count && stages[i + 1] is LabelFilterStage filter
                && FilteredJsonParser.TryCreate(filter.Filter, wantedJson, out var filtered))
            {
                yield return filtered;
                i++;
                continue;
            }

            yield return stages[i] is JsonParserStage json ? new JsonParser(json, wantedJson) : CompileStage(stages[i]);
        }
    }

    private static IStage CompileStage(PipelineStage stage) => stage switch
    {
        LineFilterStage line => new LineFilter(line),
        JsonParserStage json => new JsonParser(json),
        LogfmtParserStage logfmt => new LogfmtParser(logfmt),
        RegexpParserStage regexp => new RegexpParser(regexp),
        PatternParserStage pattern => new PatternParser(pattern),
        UnpackParserStage => new UnpackParser(),
        LabelFilterStage filter => new LabelFilterPredicate(filter.Filter),
        LineFormatStage format => new LineFormat(format),
        LabelFormatStage format => new LabelFormat(format),
        DropStage drop => new DropKeep(drop.Labels, keep: false),
        KeepStage keep => new DropKeep(keep.Labels, keep: true),
        DecolorizeStage => new Decolorize(),
        _ => throw new EvaluationException($"pipeline stage {stage.GetType().Name} is not supported"),
    };

    /// <summary>Runs one entry; false when a stage drops it. <paramref name="labels"/> holds its labels afterwards.</summary>
    public bool Process(in LogEntry entry, LabelSet streamLabels, LabelsBuilder labels, out string line)
    {
        line = entry.Line;
        foreach (var filter in _leadingLineFilters)
        {
            if (!filter.Matches(line))
            {
                return false;
            }
        }

        Start(entry.Metadata, streamLabels, labels);
        foreach (var stage in _stages)
        {
            if (!stage.Process(entry.TimestampNs, ref line, labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Runs one entry whose line is UTF-8, when <see cref="ReadsUtf8"/>; the line comes out unchanged. An entry the
    /// first stage cannot decide on its bytes is run again from the start on its decoded text.
    /// </summary>
    public bool Process(in Utf8Entry entry, LabelSet streamLabels, LabelsBuilder labels)
    {
        Start(entry.Metadata, streamLabels, labels);
        switch (((IUtf8Stage)_stages[0]).ProcessUtf8(entry.TimestampNs, entry.Line.Span, labels))
        {
            case null:
                var decoded = new LogEntry(entry.TimestampNs, System.Text.Encoding.UTF8.GetString(entry.Line.Span), entry.Metadata);
                return Process(decoded, streamLabels, labels, out _);
            case false:
                return false;
        }

        var unread = ""; // the label filters that follow never read the line
        for (var k = 1; k < _stages.Length; k++)
        {
            if (!_stages[k].Process(entry.TimestampNs, ref unread, labels))
            {
                return false;
            }
        }

        return true;
    }

    private static void Start(LabelSet? metadata, LabelSet streamLabels, LabelsBuilder labels)
    {
        labels.Reset(streamLabels);

        // Structured metadata acts as labels of its entry, as in Loki 3: filters see them and results carry them.
        if (metadata is not null)
        {
            foreach (var (name, value) in metadata.Pairs)
            {
                labels.Set(name, value);
            }
        }
    }
}
