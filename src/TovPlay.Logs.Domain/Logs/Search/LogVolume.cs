using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Building;

namespace TovPlay.Logs.Domain.Logs.Search;

/// <summary>
/// The log-volume chart above search results: how many lines the same query matches per time bucket, stacked by
/// level. Its total also tells the operator how many lines a limited result left out.
/// </summary>
public static class LogVolume
{
    /// <summary>At most this many bars, so the chart stays readable and the query cheap.</summary>
    public const int MaxBuckets = 120;

    public const string LevelLabel = "level";

    private static readonly TimeSpan[] s_steps =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15),
        TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(3),
        TimeSpan.FromHours(6), TimeSpan.FromHours(12), TimeSpan.FromDays(1),
    ];

    /// <summary>The smallest round bucket that keeps the window within <see cref="MaxBuckets"/> bars.</summary>
    public static TimeSpan StepFor(TimeSpan window)
    {
        foreach (var step in s_steps)
        {
            if (window / step <= MaxBuckets)
            {
                return step;
            }
        }

        return s_steps[^1];
    }

    /// <summary>
    /// <c>sum by (level) (count_over_time(QUERY [step]))</c>: lines per bucket and level. After a parser the lines it
    /// could not read are listed with their error, so their error is dropped before counting: the chart counts every
    /// line the list shows, where a metric over lines in error would fail.
    /// </summary>
    public static LogQLExpr QueryFor(LogQueryExpr query, TimeSpan step)
    {
        var lines = LogQueryBuilder.From(query);
        if (query.Pipeline.Any(s => s is JsonParserStage or LogfmtParserStage or UnpackParserStage or LabelFilterStage))
        {
            lines = lines.Drop("__error__", "__error_details__");
        }

        return MetricBuilder.Sum(MetricBuilder.CountOverTime(lines, step), LevelLabel);
    }
}
