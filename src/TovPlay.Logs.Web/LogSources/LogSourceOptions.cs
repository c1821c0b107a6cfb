using TovPlay.Logs.Domain.LogQL.Parsing;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.LogSources;

/// <summary>Which log source the app reads (section <c>LogSource</c>) and the limits every query obeys.</summary>
public sealed class LogSourceOptions
{
    public const string Section = "LogSource";
    public const string Embedded = "Embedded";
    public const string Loki = "Loki";

    /// <summary><c>Embedded</c> (default) or <c>Loki</c>.</summary>
    public string Kind { get; set; } = Embedded;

    /// <summary>Loki's base address when <see cref="Kind"/> is Loki, e.g. <c>http://loki:3100</c>.</summary>
    public string? Url { get; set; }

    /// <summary>Sent as <c>X-Scope-OrgID</c> to a multi-tenant Loki.</summary>
    public string? TenantId { get; set; }

    public string? Username { get; set; }

    /// <summary>From the environment (<c>LogSource__Password</c>), never from a committed file.</summary>
    public string? Password { get; set; }

    public int MaxEntriesPerQuery { get; set; } = 5000;

    public TimeSpan MaxQueryLength { get; set; } = TimeSpan.FromHours(721);

    public int MaxSeries { get; set; } = 500;

    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Queries one API key or user may run at once through the API and the export; more wait their turn.</summary>
    public int MaxConcurrentQueriesPerCaller { get; set; } = 2;

    /// <summary>The most characters a query may have.</summary>
    public int MaxQueryCharacters { get; set; } = ParseLimits.Default.MaxLength;

    /// <summary>The deepest nesting of parentheses and functions in a query (capped at 256).</summary>
    public int MaxQueryNesting { get; set; } = ParseLimits.Default.MaxNesting;

    /// <summary>The most binary and label-filter operators in a query (capped at 1024).</summary>
    public int MaxQueryOperators { get; set; } = ParseLimits.Default.MaxOperators;

    /// <summary>
    /// Committed batches a tail may fall behind by before the oldest are dropped (and reported as dropped).
    /// </summary>
    public int TailBufferBatches { get; set; } = 1024;

    /// <summary>Loki's <c>max_entries_limit_per_query</c>: larger reads are made in pages of this size.</summary>
    public int LokiMaxEntriesPerQuery { get; set; } = 5000;

    /// <summary>Loki's <c>max_query_length</c>: longer ranges are read in windows of this length.</summary>
    public TimeSpan LokiMaxQueryLength { get; set; } = TimeSpan.FromHours(721);

    /// <summary>Loki's point limit per series: finer metric ranges are read in windows.</summary>
    public int LokiMaxPointsPerSeries { get; set; } = 11_000;

    /// <summary>How long one request to Loki may take before it is retried.</summary>
    public TimeSpan LokiAttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public QueryLimits Limits => new()
    {
        MaxEntriesPerQuery = MaxEntriesPerQuery,
        MaxQueryLength = MaxQueryLength,
        MaxSeries = MaxSeries,
        QueryTimeout = QueryTimeout,
        Parse = new ParseLimits { MaxLength = MaxQueryCharacters, MaxNesting = MaxQueryNesting, MaxOperators = MaxQueryOperators }.Capped(),
    };
}
