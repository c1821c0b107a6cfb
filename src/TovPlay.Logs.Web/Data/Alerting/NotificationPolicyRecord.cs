namespace TovPlay.Logs.Web.Data;

/// <summary>The notification policy tree, one row, edited as a whole (as Grafana and Alertmanager keep it).</summary>
public sealed class NotificationPolicyRecord
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    /// <summary>The tree as JSON (<c>PolicyTreeJson</c>).</summary>
    public required string Tree { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }

    public uint Version { get; set; }
}
