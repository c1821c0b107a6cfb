using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.LogQL.Building;
using TovPlay.Logs.Web.Model.Lines;
using TovPlay.Logs.Web.Model.Queries;
using TovPlay.Logs.Web.Tail;

namespace TovPlay.Logs.Web.Model.Live;

/// <summary>
/// The Live page's state: the query (edited through <see cref="Editor"/>), the tail it runs, and the lines on
/// screen. Lines arrive on a background reader into an inbox; <see cref="Drain"/> moves them to the screen on the
/// page's own thread, so rendering never races the reader.
/// </summary>
public sealed class LiveViewModel(TailBroker broker) : IDisposable
{
    public const int MaxLines = 10_000;
    /// <summary>The query with nothing picked.</summary>
    public static readonly string DefaultQuery = new PickerQuery().ToLogQL();

    private readonly Lock _gate = new();
    private readonly List<TailLine> _inbox = [];
    private TailViewer? _viewer;
    private CancellationTokenSource? _reading;
    private long _sequence;
    private long _inboxDropped;

    // After a stop, a new tail of the same query starts with its recent lines again: those already on screen (up to the
    // newest shown) are let through once only.
    private HashSet<(long Ts, LabelSet Labels, string Line)>? _alreadyShown;
    private long _newestShown;

    /// <summary>The query the tail runs: a log query (a metric query has nothing to tail).</summary>
    public QueryEditor Editor { get; } = new(TailBroker.Normalize, DefaultQuery);

    public string Query => Editor.Query;

    public LiveLineBuffer Lines { get; } = new(MaxLines);

    public TailStatus Status { get; private set; } = new(TailConnectionState.Stopped);

    public bool Running => _viewer is not null;

    /// <summary>Lines lost because this view did not keep up, and lines the log source reported lost.</summary>
    public long DroppedSlow { get; private set; }

    public long DroppedUpstream { get; private set; }

    /// <summary>Raised from the reader when there is something to drain; the page throttles its renders.</summary>
    public event Action? Changed;

    public void Start()
    {
        Stop();
        if (Editor.QueryError is not null)
        {
            return;
        }

        var viewer = broker.Subscribe(Query);
        lock (_gate)
        {
            _viewer = viewer;
        }

        _alreadyShown = Lines.Shown.Count == 0 ? null : [.. Lines.Shown.Select(l => (l.Source.TimestampNs, l.Source.Labels, l.Source.Line))];
        _newestShown = Lines.Shown.Count == 0 ? long.MinValue : Lines.Shown.Max(l => l.Source.TimestampNs);

        _reading = new CancellationTokenSource();
        Status = viewer.Status;
        _ = ReadAsync(viewer, _reading.Token);
    }

    public void Stop()
    {
        _reading?.Cancel();
        _reading?.Dispose();
        _reading = null;
        TailViewer? stopped;
        lock (_gate)
        {
            // The old reader may be between a read and the inbox: from now on it adds nothing.
            stopped = _viewer;
            _viewer = null;
            _inbox.Clear();
        }

        stopped?.Dispose();
        Status = new TailStatus(TailConnectionState.Stopped);

        // Stopped is not paused: what waited goes on screen, and a new start shows lines as they come.
        Lines.Resume();
    }

    public void Pause() => Lines.Pause();

    public void Resume() => Lines.Resume();

    public void Clear()
    {
        lock (_gate)
        {
            _inbox.Clear();
        }

        Lines.Clear();
        _alreadyShown = null;
        DroppedSlow = 0;
        DroppedUpstream = 0;
    }

    /// <summary>Moves what the reader gathered onto the screen; call on the page's thread before rendering.</summary>
    public void Drain()
    {
        List<TailLine> arrived;
        lock (_gate)
        {
            arrived = [.. _inbox];
            _inbox.Clear();
            DroppedSlow += _inboxDropped;
            _inboxDropped = 0;
        }

        Lines.Add(NotShownBefore(arrived).Select(l => new ListedLine(++_sequence, l)));
    }

    private IEnumerable<TailLine> NotShownBefore(List<TailLine> arrived)
    {
        foreach (var line in arrived)
        {
            if (_alreadyShown is { } shown)
            {
                if (line.TimestampNs <= _newestShown && shown.Remove((line.TimestampNs, line.Labels, line.Line)))
                {
                    continue;
                }

                if (line.TimestampNs > _newestShown)
                {
                    _alreadyShown = null;
                }
            }

            yield return line;
        }
    }

    private async Task ReadAsync(TailViewer viewer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in viewer.ReadAllAsync(cancellationToken))
            {
                lock (_gate)
                {
                    if (!ReferenceEquals(viewer, _viewer))
                    {
                        // A tail of an earlier query, stopped while this update was on its way.
                        return;
                    }

                    _inbox.AddRange(update.Lines);
                    // The inbox is drained every render; if the page stalls it is capped like the screen.
                    var excess = _inbox.Count - MaxLines;
                    if (excess > 0)
                    {
                        _inbox.RemoveRange(0, excess);
                        _inboxDropped += excess;
                    }

                    _inboxDropped += update.DroppedSlow;
                    DroppedUpstream += update.DroppedUpstream;
                    if (update.Status is { } status)
                    {
                        Status = status;
                    }
                }

                Changed?.Invoke();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose() => Stop();
}
