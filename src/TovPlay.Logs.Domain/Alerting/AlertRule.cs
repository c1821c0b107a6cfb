using System.Globalization;

namespace TovPlay.Logs.Domain.Alerting;

/// <summary>Where a rule's numbers come from.</summary>
public enum AlertDataSource
{
    /// <summary>A LogQL metric query on the log source (embedded or Loki), evaluated at an instant.</summary>
    LogQL,

    /// <summary>A read-only SQL probe on the audited database: one row per series, a numeric <c>value</c>, other columns as labels.</summary>
    Sql,

    /// <summary>A PromQL query on the configured Prometheus.</summary>
    PromQL,

    /// <summary>A check of TovPlay Logs itself (<see cref="AlertChecks"/>), named by the query.</summary>
    Check,
}

public enum AlertComparator
{
    Above,
    AtLeast,
    Below,
    AtMost,
    EqualTo,
    NotEqualTo,
}

/// <summary>The condition a series' value must meet for the rule to breach.</summary>
public sealed record AlertThreshold(AlertComparator Comparator, double Value)
{
    public bool Holds(double value) => !double.IsNaN(value) && Comparator switch
    {
        AlertComparator.Above => value > Value,
        AlertComparator.AtLeast => value >= Value,
        AlertComparator.Below => value < Value,
        AlertComparator.AtMost => value <= Value,
        AlertComparator.EqualTo => value == Value,
        _ => value != Value,
    };

    public string Symbol => Comparator switch
    {
        AlertComparator.Above => ">",
        AlertComparator.AtLeast => ">=",
        AlertComparator.Below => "<",
        AlertComparator.AtMost => "<=",
        AlertComparator.EqualTo => "==",
        _ => "!=",
    };

    public static AlertComparator? ComparatorOf(string symbol) => symbol.Trim() switch
    {
        ">" => AlertComparator.Above,
        ">=" => AlertComparator.AtLeast,
        "<" => AlertComparator.Below,
        "<=" => AlertComparator.AtMost,
        "==" => AlertComparator.EqualTo,
        "!=" => AlertComparator.NotEqualTo,
        _ => null,
    };

    public override string ToString() => Symbol + " " + Value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>
/// An alert rule as an Admin writes it: a query, the condition, the timing and what to say. Without a
/// <see cref="Threshold"/> the query's own comparison decides, as in Prometheus: every series it returns breaches.
/// </summary>
public sealed record AlertRule
{
    public const int MaxNameLength = 190;
    public const int MaxQueryLength = 10_000;
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(7);

    /// <summary>The annotations forms offer by name; any other name may be added.</summary>
    public const string Summary = "summary";
    public const string Description = "description";
    public const string RunbookUrl = "runbook_url";

    public Guid Id { get; init; } = Guid.NewGuid();

    public string Name { get; init; } = "";

    public string Folder { get; init; } = "TovPlay";

    public string Group { get; init; } = "default";

    public AlertDataSource Source { get; init; } = AlertDataSource.LogQL;

    public string Query { get; init; } = "";

    public AlertThreshold? Threshold { get; init; }

    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan PendingFor { get; init; }

    public TimeSpan KeepFiringFor { get; init; }

    /// <summary>No series at all: for a count of log lines that means nothing happened, hence Normal by default.</summary>
    public MissingResultHandling OnNoData { get; init; } = MissingResultHandling.Normal;

    public MissingResultHandling OnError { get; init; } = MissingResultHandling.OwnState;

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    public bool Paused { get; init; }

    /// <summary>The key of the built-in rule this one was switched on from, if any.</summary>
    public string? BuiltIn { get; init; }

    public AlertTiming Timing => new(PendingFor, KeepFiringFor, OnNoData, OnError);
}
