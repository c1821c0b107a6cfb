namespace TovPlay.Logs.Web.Model.Charts;

/// <summary>One named line or bar stack of a time chart; <see cref="Color"/> null lets the chart choose.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points, string? Color = null);

/// <summary>A value at a time; null where the series has no sample, so a line breaks rather than drops to zero.</summary>
public readonly record struct ChartPoint(DateTimeOffset Time, double? Value);

/// <summary>A horizontal line across a chart, such as an alert threshold.</summary>
public sealed record ChartThreshold(double Value, string Label, string? Color = null);

/// <summary>A shaded span of time across a chart, such as the window an investigation settled on.</summary>
public sealed record ChartBand(DateTimeOffset Start, DateTimeOffset End, string Label, string? Color = null);

public enum ChartKind
{
    Line,
    Bar,
}
