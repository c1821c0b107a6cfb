namespace TovPlay.Logs.Web.Data;

public sealed class SilenceRecord
{
    public Guid Id { get; set; }

    /// <summary>Alertmanager's matcher texts (<c>alertname="Wipe"</c>), one per element.</summary>
    public string[] Matchers { get; set; } = [];

    public DateTimeOffset StartsAt { get; set; }

    public DateTimeOffset EndsAt { get; set; }

    public required string Comment { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Who ended it early, if anyone.</summary>
    public string? ExpiredBy { get; set; }
}
