using System.Diagnostics.Metrics;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>Alerting's own numbers, as OpenTelemetry metrics (meter <c>TovPlay.Logs.Alerting</c>) and for the benchmark.</summary>
public sealed class AlertingMetrics : IDisposable
{
    public const string MeterName = "TovPlay.Logs.Alerting";

    private readonly Meter _meter = new(MeterName);
    private readonly Histogram<double> _evaluationSeconds;
    private readonly Histogram<double> _lagSeconds;
    private readonly Counter<long> _evaluations;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _deliveries;

    public AlertingMetrics()
    {
        _evaluationSeconds = _meter.CreateHistogram<double>("tovplay_alert_evaluation_seconds", "s", "How long a rule's evaluation took.");
        _lagSeconds = _meter.CreateHistogram<double>("tovplay_alert_evaluation_lag_seconds", "s", "How late an evaluation started after its slot.");
        _evaluations = _meter.CreateCounter<long>("tovplay_alert_evaluations_total", description: "Rule evaluations.");
        _failures = _meter.CreateCounter<long>("tovplay_alert_evaluation_failures_total", description: "Rule evaluations whose query failed.");
        _deliveries = _meter.CreateCounter<long>("tovplay_alert_notifications_total", description: "Notification delivery attempts, by outcome.");
    }

    public void Evaluated(TimeSpan took, TimeSpan lag, bool failed)
    {
        _evaluationSeconds.Record(took.TotalSeconds);
        _lagSeconds.Record(Math.Max(0, lag.TotalSeconds));
        _evaluations.Add(1);
        if (failed)
        {
            _failures.Add(1);
        }
    }

    public void Delivered(string outcome) => _deliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => _meter.Dispose();
}
