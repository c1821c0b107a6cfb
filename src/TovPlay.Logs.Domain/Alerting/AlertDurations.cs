using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.Alerting;

/// <summary>Durations as Prometheus and Alertmanager write them (<c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>0s</c>).</summary>
public static class AlertDurations
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var trimmed = text?.Trim() ?? "";
        if (trimmed is "0")
        {
            return true;
        }

        if (!LogQLDuration.TryParse(trimmed, out var duration) || duration.Nanoseconds < 0)
        {
            return false;
        }

        value = duration.ToTimeSpan();
        return true;
    }

    public static string Format(TimeSpan value) => value == TimeSpan.Zero ? "0s" : LogQLDuration.From(value).ToString();
}
