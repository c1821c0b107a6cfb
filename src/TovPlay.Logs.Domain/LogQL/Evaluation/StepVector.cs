using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>
/// An intermediate metric value over the whole step grid: either a scalar (one value per step) or series, each an
/// array of values per step where NaN marks "no sample at this step".
/// </summary>
internal sealed class StepVector
{
    private StepVector(Dictionary<LabelSet, double[]> series, double[]? scalar)
    {
        Series = series;
        Scalar = scalar;
    }

    public Dictionary<LabelSet, double[]> Series { get; }

    public double[]? Scalar { get; }

    public bool IsScalar => Scalar is not null;

    public static StepVector OfScalar(double[] values) => new([], values);

    public static StepVector OfSeries(Dictionary<LabelSet, double[]> series) => new(series, null);

    public static double[] Empty(int steps)
    {
        var values = new double[steps];
        Array.Fill(values, double.NaN);
        return values;
    }
}
