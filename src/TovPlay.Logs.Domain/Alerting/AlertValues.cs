using System.Globalization;

namespace TovPlay.Logs.Domain.Alerting;

/// <summary>
/// A value as a person reads it: at most four decimals (4522.1, not 4522.099999999999), exponent form only for the very
/// large or small. Templates keep Go's printing (<c>{{ $value }}</c>), which is what rule authors coming from
/// Prometheus expect there.
/// </summary>
public static class AlertValues
{
    public static string Display(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsInfinity(value) ? (value > 0 ? "+Inf" : "-Inf")
        : value != 0 && (Math.Abs(value) >= 1e15 || Math.Abs(value) < 1e-4) ? value.ToString("G6", CultureInfo.InvariantCulture)
        : Math.Round(value, 4).ToString("0.####", CultureInfo.InvariantCulture);
}
