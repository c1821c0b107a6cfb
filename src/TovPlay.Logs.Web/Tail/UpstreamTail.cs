using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.Tail;

/// <summary>
/// One tail of the log source for one query, shared by every viewer of that query (Loki allows only a few per
/// tenant). It keeps the newest lines for viewers who join later, reconnects with backoff when the source fails,
/// and resumes from the last timestamp it delivered, skipping what it already sent at that instant.
/// </summary>
internal sealed class UpstreamTail
{
    private readonly Lock _gate = new();
    private readonly List<TailViewer> _viewers = [];
    private readonly Queue<TailLine> _recent = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _query;
    private readonly ILogSource _source;
    private readonly TailOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HashSet<(LabelSet Labels, string Line)> _sentAtLast = [];
    private TailStatus _status = TailStatus.Connecting;
    private bool _ended;
    private long _lastTs = long.MinValue;
    private Task _running = Task.CompletedTask;

    public UpstreamTail(string query, ILogSource source, TailOptions options, TimeProvider time, ILogger logger)
    {
        _query = query;
        _source = source;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public TailStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    public void Start() => _running = Task.Run(RunAsync);

    /// <summary>Adds a viewer, who starts with the recent lines and the current state.</summary>
    public void Attach(TailViewer viewer)
    {
        lock (_gate)
        {
            _viewers.Add(viewer);
            viewer.Offer([.. _recent]);
            if (_ended)
            {
                viewer.End(_status);
            }
            else
            {
                viewer.SetStatus(_status);
            }
        }
    }

    public void Detach(TailViewer viewer)
    {
        lock (_gate)
        {
            _viewers.Remove(viewer);
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var failures = 0;
        var resuming = false;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var request = resuming && _lastTs != long.MinValue
                    ? new TailRequest(_query) { StartNs = _lastTs, Limit = _options.ResumeLimit }
                    : new TailRequest(_query) { Limit = _options.HistoryLines };
                var first = true;
                await foreach (var batch in _source.TailAsync(request, _stop.Token))
                {
                    if (batch.Interruption is { } interruption)
                    {
                        SetStatus(new TailStatus(TailConnectionState.Reconnecting, interruption));
                        continue;
                    }

                    var fresh = Fresh(batch, skipSent: first && resuming);
                    // A resume that brought back as many lines as it asked for may have missed older ones.
                    var gap = first && resuming && batch.Streams.Sum(s => s.Entries.Count) >= _options.ResumeLimit;
                    SetStatus(gap
                        ? new TailStatus(TailConnectionState.Live, $"resumed after an interruption; more than {_options.ResumeLimit} lines arrived meanwhile and the older of them are not shown")
                        : TailStatus.Live);
                    first = false;
                    failures = 0;
                    Publish(fresh, batch.DroppedCount);
                }

                // The source ended the tail without an error: treat it as an interruption.
                failures++;
                resuming = true;
                SetStatus(new TailStatus(TailConnectionState.Reconnecting, "the log source ended the tail"));
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Domain.LogQL.LogQLSyntaxException ex)
            {
                EndAll(new TailStatus(TailConnectionState.Stopped, ex.Message));
                return;
            }
            catch (LogSourceException ex) when (ex.Error == LogSourceError.BadRequest)
            {
                EndAll(new TailStatus(TailConnectionState.Stopped, ex.Message));
                return;
            }
            catch (Exception ex)
            {
                failures++;
                resuming = true;
                var state = ex is LogSourceException { Error: LogSourceError.Unauthorized } ? TailConnectionState.Unauthorized
                    : ex is LogSourceException { Error: LogSourceError.TooManyRequests or LogSourceError.Unavailable } ? TailConnectionState.Unavailable
                    : TailConnectionState.Reconnecting;
                _logger.LogWarning(ex, "Live tail of {Query} failed ({State}, attempt {Attempt})", _query, state, failures);
                SetStatus(new TailStatus(state, ex.Message));
            }

            try
            {
                await Task.Delay(Backoff(failures), _time, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var factor = Math.Pow(2, Math.Min(Math.Max(failures - 1, 0), 16));
        return TimeSpan.FromTicks((long)Math.Min(_options.MinReconnectDelay.Ticks * factor, _options.MaxReconnectDelay.Ticks));
    }

    /// <summary>
    /// The batch's entries, oldest first. The history that opens a resumed tail repeats what was sent before the
    /// failure: <paramref name="skipSent"/> drops everything older than the newest instant sent and what was sent at
    /// it. Live entries are never dropped for being older: the store accepts late entries, and they must show.
    /// </summary>
    private List<TailLine> Fresh(TailBatch batch, bool skipSent)
    {
        var lines = new List<TailLine>();
        foreach (var (labels, e) in batch.Streams.SelectMany(s => s.Entries.Select(e => (s.Labels, e))).OrderBy(p => p.e.TimestampNs))
        {
            if (skipSent && (e.TimestampNs < _lastTs || e.TimestampNs == _lastTs && _sentAtLast.Contains((labels, e.Line))))
            {
                continue;
            }

            if (e.TimestampNs > _lastTs)
            {
                _lastTs = e.TimestampNs;
                _sentAtLast.Clear();
            }

            if (e.TimestampNs == _lastTs)
            {
                _sentAtLast.Add((labels, e.Line));
            }

            lines.Add(new TailLine(labels, e.TimestampNs, e.Line, e.Metadata));
        }

        return lines;
    }

    private void Publish(List<TailLine> lines, long droppedUpstream)
    {
        lock (_gate)
        {
            foreach (var line in _options.HistoryLines > 0 ? lines : [])
            {
                if (_recent.Count == _options.HistoryLines)
                {
                    _recent.Dequeue();
                }

                _recent.Enqueue(line);
            }

            foreach (var viewer in _viewers)
            {
                viewer.Offer(lines);
                if (droppedUpstream > 0)
                {
                    viewer.OfferDropped(droppedUpstream);
                }
            }
        }
    }

    private void SetStatus(TailStatus status)
    {
        lock (_gate)
        {
            _status = status;
            foreach (var viewer in _viewers)
            {
                viewer.SetStatus(status);
            }
        }
    }

    private void EndAll(TailStatus final)
    {
        lock (_gate)
        {
            _status = final;
            _ended = true;
            foreach (var viewer in _viewers)
            {
                viewer.End(final);
            }
        }
    }
}
