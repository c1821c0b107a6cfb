using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

public enum Direction
{
    Backward,
    Forward,
}

/// <summary>One entry of a log query's result, with the labels the pipeline gave it.</summary>
public readonly record struct LogResult(LabelSet Labels, long TimestampNs, string Line);

/// <summary>A value at a step, timestamp in Unix nanoseconds.</summary>
public readonly record struct SamplePoint(long TimestampNs, double Value);

/// <summary>A series of a metric result; steps without a value are absent, not zero (as in Loki).</summary>
public sealed record MetricSeries(LabelSet Labels, IReadOnlyList<SamplePoint> Points);

/// <summary>The result of a metric query: series for a range query, one point each for an instant query, or a scalar.</summary>
public sealed record MetricResult(IReadOnlyList<MetricSeries> Series, bool IsScalar = false);
