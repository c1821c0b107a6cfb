using TovPlay.Logs.Domain.LogQL.Evaluation;

namespace TovPlay.Logs.Web.Model.Search;

/// <summary>One series of a metric result as its table row: its labels and the figures an operator compares.</summary>
public sealed record SeriesRow(string Name, string Last, string Min, string Max, string Mean, int Points)
{
    public static SeriesRow From(MetricSeries series)
    {
        var values = series.Points.Select(p => p.Value).ToList();
        string Show(Func<List<double>, double> figure) => values.Count == 0 ? "" : SearchViewModel.Format(figure(values));
        return new SeriesRow(
            series.Labels.Count == 0 ? "{}" : series.Labels.ToString(),
            Show(v => v[^1]), Show(v => v.Min()), Show(v => v.Max()), Show(v => v.Average()), values.Count);
    }
}
