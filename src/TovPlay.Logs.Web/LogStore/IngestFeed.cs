using System.Collections.Concurrent;
using System.Threading.Channels;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>Entries of one stream that a commit made durable, their lines the UTF-8 they were pushed as.</summary>
public sealed record CommittedStream(LabelSet Labels, IReadOnlyList<Utf8Entry> Entries);

/// <summary>
/// Hands every committed batch to in-process subscribers (live tail) the moment it is durable: no polling. A
/// subscriber that falls behind loses the oldest batches, and each lost entry is recorded for it to report.
/// </summary>
public sealed class IngestFeed
{
    private readonly Lock _gate = new();
    private Subscription[] _subscribers = [];

    /// <param name="streams">Which streams the subscriber wants; only those are queued, and only their losses counted.</param>
    public Subscription Subscribe(int capacity = 1024, Func<LabelSet, bool>? streams = null)
    {
        var subscription = new Subscription(this, capacity, streams);
        lock (_gate)
        {
            _subscribers = [.. _subscribers, subscription];
        }

        return subscription;
    }

    public bool HasSubscribers => Volatile.Read(ref _subscribers).Length > 0;

    public void Publish(IReadOnlyList<CommittedStream> batch)
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.Offer(batch);
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(s => s != subscription)];
        }
    }

    public sealed class Subscription : IDisposable
    {
        /// <summary>Most lost entries remembered one by one; beyond it only the count grows.</summary>
        public const int MaxRemembered = 10_000;

        private readonly IngestFeed _feed;
        private readonly Func<LabelSet, bool>? _streams;
        private readonly Channel<IReadOnlyList<CommittedStream>> _channel;
        private readonly ConcurrentQueue<(LabelSet Labels, long TimestampNs)> _dropped = new();
        private long _droppedCount;

        internal Subscription(IngestFeed feed, int capacity, Func<LabelSet, bool>? streams)
        {
            _feed = feed;
            _streams = streams;
            _channel = Channel.CreateBounded<IReadOnlyList<CommittedStream>>(
                new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                OnDropped);
        }

        public ChannelReader<IReadOnlyList<CommittedStream>> Reader => _channel.Reader;

        /// <summary>Entries lost since the last call: each by stream and time, up to <see cref="MaxRemembered"/>, and the full count.</summary>
        public (IReadOnlyList<(LabelSet Labels, long TimestampNs)> Entries, long Count) TakeDropped()
        {
            var count = Interlocked.Exchange(ref _droppedCount, 0);
            var entries = new List<(LabelSet, long)>();
            while (_dropped.TryDequeue(out var entry))
            {
                entries.Add(entry);
            }

            return (entries, count);
        }

        internal void Offer(IReadOnlyList<CommittedStream> batch)
        {
            var wanted = _streams is null ? batch : [.. batch.Where(s => _streams(s.Labels))];
            if (wanted.Count > 0)
            {
                _channel.Writer.TryWrite(wanted);
            }
        }

        private void OnDropped(IReadOnlyList<CommittedStream> batch)
        {
            foreach (var stream in batch)
            {
                Interlocked.Add(ref _droppedCount, stream.Entries.Count);
                foreach (var entry in stream.Entries)
                {
                    if (_dropped.Count < MaxRemembered)
                    {
                        _dropped.Enqueue((stream.Labels, entry.TimestampNs));
                    }
                }
            }
        }

        public void Dispose()
        {
            _channel.Writer.TryComplete();
            _feed.Remove(this);
        }
    }
}
