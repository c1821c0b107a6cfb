namespace TovPlay.Logs.Web.Data;

/// <summary>
/// An aggregation group of one receiver: when it flushes next, and what it last told the receiver (Alertmanager's
/// notification log). Kept in the database so a restart or another instance carries on where this one stopped.
/// </summary>
public sealed class NotificationGroupRecord
{
    public long Id { get; set; }

    public required string Receiver { get; set; }

    public required string GroupKey { get; set; }

    public required string GroupLabels { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextFlushAt { get; set; }

    public DateTimeOffset? LastNotifiedAt { get; set; }

    public string[] NotifiedFiring { get; set; } = [];

    public string[] NotifiedResolved { get; set; } = [];

    /// <summary>How many notifications the group has sent: with the key, what makes a message's idempotency key.</summary>
    public int Sequence { get; set; }
}
