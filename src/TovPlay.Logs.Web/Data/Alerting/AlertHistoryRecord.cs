namespace TovPlay.Logs.Web.Data;

/// <summary>One state change of an alert instance, kept for the retention period (30 days by default).</summary>
public sealed class AlertHistoryRecord
{
    public long Id { get; set; }

    public Guid? RuleId { get; set; }

    public required string Fingerprint { get; set; }

    public required string Labels { get; set; }

    public required string FromState { get; set; }

    public required string ToState { get; set; }

    public DateTimeOffset At { get; set; }

    public double? Value { get; set; }

    public string? Error { get; set; }
}
