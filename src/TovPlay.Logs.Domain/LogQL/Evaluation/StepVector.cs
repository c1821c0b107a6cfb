using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>
/// An intermediate metric value over the whole step grid: either a scalar (one value per step) or series, each an
/// array of values per step where <see cref="Absent"/> marks "no sample at this step".
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

    private const long AbsentBits = 0x7FF8_0000_0000_0AB5;

    /// <summary>
    /// "No sample": a NaN with its own payload. Arithmetic makes only the default NaN and absent values never enter
    /// arithmetic, so a real NaN (0/0) stays a value and is reported, as Loki reports it.
    /// </summary>
    public static readonly double Absent = BitConverter.Int64BitsToDouble(AbsentBits);

    public static bool IsAbsent(double value) => BitConverter.DoubleToInt64Bits(value) == AbsentBits;

    public static double[] Empty(int steps)
    {
        var values = new double[steps];
        Array.Fill(values, Absent);
        return values;
    }
}
