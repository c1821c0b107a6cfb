namespace TovPlay.Logs.Web.Data;

/// <summary>A query an operator ran (their history) or starred (kept until unstarred); one row per user and query.</summary>
public sealed class SavedQuery
{
    public long Id { get; set; }

    public required string UserId { get; set; }

    public required string Query { get; set; }

    /// <summary>SHA-256 of the query, hex: a query may be too long for a unique btree index on its text.</summary>
    public required string QueryHash { get; set; }

    public bool Starred { get; set; }

    /// <summary>A name the operator gave a starred query; null shows the query itself.</summary>
    public string? Title { get; set; }

    public DateTimeOffset FirstRunAt { get; set; }

    public DateTimeOffset LastRunAt { get; set; }

    public int RunCount { get; set; }
}
