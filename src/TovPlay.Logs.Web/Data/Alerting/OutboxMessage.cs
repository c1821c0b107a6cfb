namespace TovPlay.Logs.Web.Data;

/// <summary>
/// A notification to deliver, written in the same transaction as the group's state: it is sent until Discord takes
/// it, once (its idempotency key is unique), or moved to the dead letters after too many failures.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }

    /// <summary>The group's id and sequence number (then receiver and group key, to read): a flush repeated after a crash cannot queue it twice.</summary>
    public required string IdempotencyKey { get; set; }

    public Guid? ContactPointId { get; set; }

    public required string Receiver { get; set; }

    public required string GroupKey { get; set; }

    /// <summary>The JSON body to post.</summary>
    public required string Payload { get; set; }

    /// <summary>The embed's title, for the lists.</summary>
    public required string Title { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>While set and in the future, one dispatcher is sending it.</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset? DeadAt { get; set; }

    public int? LastStatus { get; set; }

    public string? LastResponse { get; set; }

    public string? LastError { get; set; }
}
