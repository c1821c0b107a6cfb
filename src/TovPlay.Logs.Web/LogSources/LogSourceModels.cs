using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.LogSources;

/// <summary>A time range in Unix nanoseconds, both ends inclusive as Loki's API takes them.</summary>
public readonly record struct TimeWindow(long StartNs, long EndNs)
{
    public static TimeWindow LastHour(DateTimeOffset now) => new(Ns(now.AddHours(-1)), Ns(now));

    public static long Ns(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * 100;
}

public sealed record RangeQueryRequest(string Query, long StartNs, long EndNs)
{
    public int Limit { get; init; } = 100;

    public Direction Direction { get; init; } = Direction.Backward;

    /// <summary>Step of a metric query; Loki's default (range / 250, at least 1 s) when null.</summary>
    public long? StepNs { get; init; }
}

public sealed record InstantQueryRequest(string Query, long TimeNs)
{
    public int Limit { get; init; } = 100;

    public Direction Direction { get; init; } = Direction.Backward;
}

public enum ResultType
{
    Streams,
    Matrix,
    Vector,

    /// <summary>An instant query of numbers alone (<c>1 > 1</c>): one point, no labels.</summary>
    Scalar,
}

/// <summary>Entries of one stream (labels after the pipeline), in the query's direction.</summary>
public sealed record StreamResult(LabelSet Labels, IReadOnlyList<LogEntry> Entries);

/// <summary>What a query returned: streams for a log query, series for a metric one.</summary>
public sealed record QueryResponse(ResultType Type, IReadOnlyList<StreamResult> Streams, IReadOnlyList<MetricSeries> Series)
{
    public QueryStatistics Statistics { get; init; } = new();

    /// <summary>What the caller should know about an answer that is complete only as far as the source could go.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public int EntryCount => Streams.Sum(s => s.Entries.Count);
}

/// <summary>The summary Loki reports with every query, which Grafana shows.</summary>
public sealed record QueryStatistics
{
    public long LinesProcessed { get; init; }

    public long BytesProcessed { get; init; }

    public TimeSpan ExecutionTime { get; init; }

    public int EntriesReturned { get; init; }
}

public sealed record TailRequest(string Query)
{
    /// <summary>History starts here; Loki's default is one hour ago.</summary>
    public long? StartNs { get; init; }

    public int Limit { get; init; } = 100;

    /// <summary>How long to hold entries back so late ones arrive in order (at most 5 s, as in Loki).</summary>
    public TimeSpan DelayFor { get; init; }
}

/// <summary>An entry a slow tail reader never got, reported by its stream and time.</summary>
public sealed record DroppedEntry(LabelSet Labels, long TimestampNs);

/// <summary>
/// New entries, and those a slow reader lost: <see cref="Dropped"/> names them (up to a bound), <see cref="DroppedCount"/>
/// counts them all. A batch may carry neither: a source that cannot otherwise show it is connected (Loki sends
/// nothing until it has entries) yields an empty one when its tail opens or reopens.
/// </summary>
public sealed record TailBatch(IReadOnlyList<StreamResult> Streams, IReadOnlyList<DroppedEntry> Dropped)
{
    private readonly long? _droppedCount;

    public long DroppedCount
    {
        get => _droppedCount ?? Dropped.Count;
        init => _droppedCount = value;
    }

    /// <summary>Set when the source lost its own upstream and is reconnecting by itself: why.</summary>
    public string? Interruption { get; init; }

    /// <summary>True on the first batch after the source reconnected (it may carry no entries).</summary>
    public bool Resumed { get; init; }

    public static TailBatch Interrupted(string reason) => new([], []) { Interruption = reason };
}
