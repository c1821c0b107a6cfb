namespace TovPlay.Logs.Web.Data;

public sealed class MuteTimingRecord
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    /// <summary>JSON array of windows in Alertmanager's text forms (times, weekdays, days of month, months, location).</summary>
    public required string Windows { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }
}
