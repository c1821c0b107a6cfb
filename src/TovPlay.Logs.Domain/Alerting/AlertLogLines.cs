using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Printing;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Alerting;

/// <summary>
/// The log query behind a LogQL rule, to show the lines that made it fire: the first range aggregation's selector and
/// pipeline, narrowed with a label filter per label of the firing series (they are the query's own labels, so the
/// pipeline has them), over the aggregation's range.
/// </summary>
public static class AlertLogLines
{
    public static (string Query, TimeSpan Range)? QueryFor(string metricQuery, LabelSet series)
    {
        if (!LogQLQuery.TryParse(metricQuery, out var expr, out _) || First(expr) is not { } range)
        {
            return null;
        }

        var query = LogQLQuery.Print(range.Log)
            + string.Concat(series.Pairs.Where(p => p.Key != "__name__").Select(p => $" | {p.Key}={LogQLPrinter.Quote(p.Value)}"));
        return (query, range.Range.ToTimeSpan());
    }

    private static LogRangeExpr? First(LogQLExpr expr) => expr switch
    {
        RangeAggregationExpr r => r.Range,
        VectorAggregationExpr v => First(v.Inner),
        BinaryExpr b => First(b.Left) ?? First(b.Right),
        LabelReplaceExpr l => First(l.Inner),
        _ => null,
    };
}
