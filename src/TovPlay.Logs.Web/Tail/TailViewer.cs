using System.Runtime.CompilerServices;

namespace TovPlay.Logs.Web.Tail;

/// <summary>
/// One viewer's end of a shared tail: a bounded buffer of unread lines. When the viewer falls behind, the oldest
/// unread lines are dropped and counted, and the count is handed over with the next read, so a loss is never silent.
/// Disposing it leaves the tail (the broker closes the upstream when its last viewer leaves).
/// </summary>
public sealed class TailViewer : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Queue<TailLine> _unread = new();
    private readonly int _capacity;
    private readonly int _maxBatch;
    private readonly Action<TailViewer> _leave;
    private long _droppedSlow;
    private long _droppedUpstream;
    private TailStatus _status = TailStatus.Connecting;
    private TailStatus? _statusChange = TailStatus.Connecting;
    private TaskCompletionSource _doorbell = NewDoorbell();
    private bool _ended;
    private int _disposed;

    internal TailViewer(string query, int capacity, int maxBatch, Action<TailViewer> leave)
    {
        Query = query;
        _capacity = Math.Max(1, capacity);
        _maxBatch = Math.Max(1, maxBatch);
        _leave = leave;
    }

    /// <summary>The query in its canonical form: viewers with the same one share an upstream.</summary>
    public string Query { get; }

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

    /// <summary>Lines handed to this viewer, and lines it lost by being slow, since it joined.</summary>
    public long Delivered { get; private set; }

    public long TotalDroppedSlow { get; private set; }

    public long TotalDroppedUpstream { get; private set; }

    /// <summary>
    /// Waits for news (lines, losses or a state change) and returns it; null once the tail has ended and everything
    /// was read.
    /// </summary>
    public async ValueTask<TailUpdate?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_unread.Count > 0 || _droppedSlow > 0 || _droppedUpstream > 0 || _statusChange is not null)
                {
                    var lines = new TailLine[Math.Min(_unread.Count, _maxBatch)];
                    for (var i = 0; i < lines.Length; i++)
                    {
                        lines[i] = _unread.Dequeue();
                    }

                    var update = new TailUpdate(lines, _droppedSlow, _droppedUpstream, _statusChange);
                    Delivered += lines.Length;
                    _droppedSlow = 0;
                    _droppedUpstream = 0;
                    _statusChange = null;
                    if (_unread.Count == 0)
                    {
                        _doorbell = NewDoorbell();
                    }

                    return update;
                }

                if (_ended)
                {
                    return null;
                }

                wait = _doorbell.Task;
            }

            await wait.WaitAsync(cancellationToken);
        }
    }

    public async IAsyncEnumerable<TailUpdate> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await ReadAsync(cancellationToken) is { } update)
        {
            yield return update;
        }
    }

    internal void Offer(IReadOnlyList<TailLine> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            foreach (var line in lines)
            {
                if (_unread.Count == _capacity)
                {
                    _unread.Dequeue();
                    _droppedSlow++;
                    TotalDroppedSlow++;
                }

                _unread.Enqueue(line);
            }

            _doorbell.TrySetResult();
        }
    }

    internal void OfferDropped(long upstream)
    {
        lock (_gate)
        {
            _droppedUpstream += upstream;
            TotalDroppedUpstream += upstream;
            _doorbell.TrySetResult();
        }
    }

    internal void SetStatus(TailStatus status)
    {
        lock (_gate)
        {
            if (_ended || _status == status)
            {
                return;
            }

            _status = status;
            _statusChange = status;
            _doorbell.TrySetResult();
        }
    }

    /// <summary>The tail is over for good: what is unread can still be read, then reads return null.</summary>
    internal void End(TailStatus final)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _status = final;
            _statusChange = final;
            _ended = true;
            _doorbell.TrySetResult();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            End(new TailStatus(TailConnectionState.Stopped, "the viewer left"));
            _leave(this);
        }
    }

    private static TaskCompletionSource NewDoorbell() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
