using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.LogSources;

/// <summary>
/// The one door to logs: a real Loki or the embedded store, chosen by <c>LogSource:Kind</c>. Every failure surfaces
/// as a <see cref="LogSourceException"/> whose message is the text Loki would give.
/// </summary>
public interface ILogSource
{
    /// <summary>"Embedded" or "Loki", for health reports and the UI.</summary>
    string Kind { get; }

    /// <summary>A log query (streams) or a metric query (matrix) over [start, end].</summary>
    Task<QueryResponse> QueryRangeAsync(RangeQueryRequest request, CancellationToken cancellationToken);

    /// <summary>A metric query at one instant (vector), or a log query looking back from it (streams).</summary>
    Task<QueryResponse> QueryInstantAsync(InstantQueryRequest request, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> GetLabelsAsync(TimeWindow window, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> GetLabelValuesAsync(string name, TimeWindow window, CancellationToken cancellationToken);

    /// <summary>The streams matching any of the selectors in <paramref name="match"/>.</summary>
    Task<IReadOnlyList<LabelSet>> GetSeriesAsync(IReadOnlyList<string> match, TimeWindow window, CancellationToken cancellationToken);

    /// <summary>History since the request's start (up to its limit), then new entries as they arrive.</summary>
    IAsyncEnumerable<TailBatch> TailAsync(TailRequest request, CancellationToken cancellationToken);

    /// <summary>Null when ready, otherwise why not.</summary>
    Task<string?> CheckReadyAsync(CancellationToken cancellationToken);
}
