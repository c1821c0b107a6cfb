using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.Tail;

/// <summary>
/// Owns the live tails: one upstream tail per distinct query (in canonical form), shared by all its viewers,
/// opened by the first viewer and closed when the last one leaves. Loki allows only ten tails per tenant, so
/// viewers must never open their own.
/// </summary>
public sealed class TailBroker(ILogSource source, IOptions<TailOptions> options, TimeProvider time, ILogger<TailBroker> logger) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (UpstreamTail Upstream, int Viewers)> _upstreams = new(StringComparer.Ordinal);

    /// <summary>Upstream tails open now (one per distinct query being watched).</summary>
    public int UpstreamCount
    {
        get
        {
            lock (_gate)
            {
                return _upstreams.Count;
            }
        }
    }

    /// <summary>The queries with an upstream tail open now, in canonical form.</summary>
    public IReadOnlyList<string> WatchedQueries
    {
        get
        {
            lock (_gate)
            {
                return [.. _upstreams.Keys];
            }
        }
    }

    /// <summary>The canonical form of a tail query; only log queries can be tailed.</summary>
    /// <exception cref="LogQLSyntaxException">Not valid LogQL (the message gives line and column).</exception>
    /// <exception cref="ArgumentException">A metric query.</exception>
    public static string Normalize(string query)
    {
        var expr = LogQLQuery.Parse(query);
        return expr is LogQueryExpr
            ? LogQLQuery.Print(expr)
            : throw new ArgumentException("only log queries can be tailed, not metric queries", nameof(query));
    }

    /// <summary>Joins the tail of <paramref name="query"/>; dispose the viewer to leave it.</summary>
    public TailViewer Subscribe(string query, int? bufferLines = null)
    {
        var normalized = Normalize(query);
        var settings = options.Value;
        var viewer = new TailViewer(normalized, bufferLines ?? settings.ViewerBufferLines, settings.MaxBatchLines, Leave);
        lock (_gate)
        {
            if (!_upstreams.TryGetValue(normalized, out var entry))
            {
                entry = (new UpstreamTail(normalized, source, settings, time, logger), 0);
                entry.Upstream.Start();
                logger.LogInformation("Live tail opened for {Query}", normalized);
            }

            _upstreams[normalized] = (entry.Upstream, entry.Viewers + 1);
            entry.Upstream.Attach(viewer);
        }

        return viewer;
    }

    private void Leave(TailViewer viewer)
    {
        UpstreamTail? closing = null;
        lock (_gate)
        {
            if (!_upstreams.TryGetValue(viewer.Query, out var entry))
            {
                return;
            }

            entry.Upstream.Detach(viewer);
            if (entry.Viewers <= 1)
            {
                _upstreams.Remove(viewer.Query);
                closing = entry.Upstream;
            }
            else
            {
                _upstreams[viewer.Query] = (entry.Upstream, entry.Viewers - 1);
            }
        }

        if (closing is not null)
        {
            logger.LogInformation("Live tail closed for {Query}: its last viewer left", viewer.Query);
            _ = closing.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        UpstreamTail[] open;
        lock (_gate)
        {
            open = [.. _upstreams.Values.Select(e => e.Upstream)];
            _upstreams.Clear();
        }

        await Task.WhenAll(open.Select(u => u.StopAsync()));
    }
}
