using TovPlay.Logs.Domain.Logs.Push;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>The embedded log store's settings (section <c>LogStore</c>).</summary>
public sealed class LogStoreOptions
{
    public const string Section = "LogStore";

    /// <summary>Name of the connection string for the store; the app database when it is not set.</summary>
    public const string ConnectionStringName = "LogStore";

    /// <summary>How long entries are kept, unless <see cref="RetentionByJob"/> says otherwise for their job.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Retention per value of the <c>job</c> label, e.g. <c>{"tovplay-db-audit": "365.00:00:00"}</c>.</summary>
    public Dictionary<string, TimeSpan> RetentionByJob { get; set; } = [];

    /// <summary>How many daily partitions exist ahead of today.</summary>
    public int PartitionsAhead { get; set; } = 2;

    public TimeSpan RejectOldSamplesMaxAge { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan CreationGracePeriod { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan OutOfOrderWindow { get; set; } = TimeSpan.FromHours(1);

    public int MaxLineBytes { get; set; } = 256 * 1024;

    /// <summary>Loki's <c>max_label_names_per_series</c>.</summary>
    public int MaxLabelNamesPerSeries { get; set; } = 15;

    /// <summary>Loki's <c>max_label_name_length</c>, in characters.</summary>
    public int MaxLabelNameLength { get; set; } = 1024;

    /// <summary>Loki's <c>max_label_value_length</c>, in characters.</summary>
    public int MaxLabelValueLength { get; set; } = 2048;

    /// <summary>
    /// Most streams the store holds. Each costs memory for as long as the app runs, so this bounds what clients
    /// can make it hold; pushes that would create more are refused (HTTP 429).
    /// </summary>
    public int MaxStreams { get; set; } = 50_000;

    /// <summary>Loki's <c>max_global_streams_per_user</c>: streams one API key (or user) may keep active.</summary>
    public int MaxActiveStreamsPerPusher { get; set; } = 5_000;

    /// <summary>How long after its last push a stream stops counting as active for its pusher.</summary>
    public TimeSpan ActiveStreamWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Loki's <c>per_stream_rate_limit</c>, in bytes of lines per second.</summary>
    public long PerStreamRateBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>Loki's <c>per_stream_rate_limit_burst</c>.</summary>
    public long PerStreamBurstBytes { get; set; } = 15 * 1024 * 1024;

    /// <summary>Largest push body accepted, compressed or not, and largest once decompressed.</summary>
    public int MaxPushBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Most lines written in one transaction: concurrent pushes share a commit up to this size.</summary>
    public int MaxLinesPerCommit { get; set; } = 50_000;

    /// <summary>Commits in flight at once; more overlap the wait for the disk with writing the next batch.</summary>
    public int ConcurrentCommits { get; set; } = 3;

    /// <summary>Bytes of lines (UTF-8) at which a chunk is cut; about a thousand lines of 300 bytes.</summary>
    public int ChunkLineBytes { get; set; } = 256 * 1024;

    /// <summary>zstd's level for the chunks a push writes: fast, since the client waits for the commit.</summary>
    public int IngestCompressionLevel { get; set; } = 1;

    /// <summary>zstd's level for the chunks compaction writes: nobody waits, so it compresses harder.</summary>
    public int CompactionCompressionLevel { get; set; } = 9;

    /// <summary>How often compaction looks for chunks to rewrite.</summary>
    public TimeSpan CompactionInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a pushed chunk waits before compaction rewrites it, unless small ones add up to a chunk's worth first:
    /// a burst of pushes is not slowed by compaction while it lasts, and a quiet stream is not rewritten every round.
    /// </summary>
    public TimeSpan CompactionIdle { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Memory for the newest entries, served to queries without the database (0 turns it off; do so when several
    /// replicas write one store, since each holds only its own writes).
    /// </summary>
    public int HeadMegabytes { get; set; } = 512;

    /// <summary>The age beyond which entries leave the head.</summary>
    public TimeSpan HeadWindow { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// Announce each commit to the other app instances (PostgreSQL NOTIFY), so their live tails see lines pushed
    /// here. Turn it on for every instance when several serve one store. Off by default: a notifying transaction
    /// holds a database-wide lock while it commits, which serialises commits and costs a single instance ingest rate.
    /// </summary>
    public bool AnnounceCommits { get; set; }

    public PushLimits ToPushLimits() => new()
    {
        RejectOldSamplesMaxAge = RejectOldSamplesMaxAge,
        CreationGracePeriod = CreationGracePeriod,
        OutOfOrderWindow = OutOfOrderWindow,
        MaxLineBytes = MaxLineBytes,
        MaxLabelNamesPerSeries = MaxLabelNamesPerSeries,
        MaxLabelNameLength = MaxLabelNameLength,
        MaxLabelValueLength = MaxLabelValueLength,
    };

    public TimeSpan RetentionFor(string? job) =>
        job is not null && RetentionByJob.TryGetValue(job, out var retention) ? retention : Retention;
}
