using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Push;
using TovPlay.Logs.Web.LogStore;

namespace TovPlay.Logs.Web.LokiApi;

/// <summary>
/// Loki's stream limits, per pushing identity and for the whole store: how many streams one identity may keep active
/// (<c>max_global_streams_per_user</c>), how many streams the store holds at all (every stream costs memory in
/// <see cref="StreamRegistry"/> for as long as the process runs), and how fast one stream may grow
/// (<c>per_stream_rate_limit</c>). A push is admitted whole or refused whole, with Loki's texts and HTTP 429.
/// </summary>
public sealed class StreamLimiter(StreamRegistry registry, IOptions<LogStoreOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ActiveStreams> _byPusher = new();
    private readonly ConcurrentDictionary<LabelSet, Bucket> _rates = new();
    private long _sweptAt;

    public const string StreamLimitText =
        "Maximum active stream limit exceeded, reduce the number of active streams (reduce labels or reduce label values), or contact your Loki administrator to see if the limit can be increased";

    /// <summary>Why the push is refused, or null when it is admitted (and counted).</summary>
    /// <param name="pusher">Whom the active streams are counted for (<see cref="ApiKeys.ApiKeyAuthenticationHandler.CallerOf"/>).</param>
    /// <param name="name">How the refusal names the pusher.</param>
    public string? Admit(string pusher, string name, IReadOnlyList<PushStream> pushed)
    {
        var settings = options.Value;
        var labelSets = pushed.Where(s => s.Entries.Count > 0).Select(s => s.Labels).Distinct().ToList();
        var unknown = labelSets.Count(l => registry.Find(l) is null);
        if (unknown > 0 && registry.All.Count + unknown > settings.MaxStreams)
        {
            return $"{StreamLimitText} (the store holds {registry.All.Count} streams; limit {settings.MaxStreams})";
        }

        var now = time.GetTimestamp();
        var active = _byPusher.GetOrAdd(pusher, _ => new ActiveStreams());
        lock (active)
        {
            active.Forget(now, settings.ActiveStreamWindow, time);
            var fresh = labelSets.Count(l => !active.LastSeen.ContainsKey(l));
            if (fresh > 0 && active.LastSeen.Count + fresh > settings.MaxActiveStreamsPerPusher)
            {
                return $"{StreamLimitText} (user '{name}' has {active.LastSeen.Count} active streams; limit {settings.MaxActiveStreamsPerPusher})";
            }

            if (RateProblem(pushed, now, settings) is { } rate)
            {
                return rate;
            }

            foreach (var labels in labelSets)
            {
                active.LastSeen[labels] = now;
            }
        }

        Sweep(now, settings);
        return null;
    }

    /// <summary>Takes each stream's bytes from its bucket, all or none.</summary>
    private string? RateProblem(IReadOnlyList<PushStream> pushed, long now, LogStoreOptions settings)
    {
        var rate = settings.PerStreamRateBytes;
        var burst = Math.Max(settings.PerStreamBurstBytes, rate);
        var wanted = pushed.GroupBy(s => s.Labels).Select(g => (Labels: g.Key, Bytes: g.Sum(s => s.Entries.Sum(e => (long)e.Line.Length)))).ToList();
        var buckets = wanted.Select(w => (w.Labels, w.Bytes, Bucket: _rates.GetOrAdd(w.Labels, _ => new Bucket(burst, now)))).ToList();
        foreach (var (labels, bytes, bucket) in buckets)
        {
            lock (bucket)
            {
                bucket.Refill(now, rate, burst, time);

                // One entry larger than the burst could never pass: it goes through on a full bucket, as Loki lets it.
                if (bucket.Tokens < bytes && bucket.Tokens < burst)
                {
                    return $"Per stream rate limit exceeded (limit: {Megabytes(rate)}/sec) while attempting to ingest for stream '{labels}' totaling {bytes}B, consider splitting a stream via additional labels or contact your Loki administrator to see if the limit can be increased";
                }
            }
        }

        foreach (var (_, bytes, bucket) in buckets)
        {
            lock (bucket)
            {
                bucket.Tokens -= bytes;
            }
        }

        return null;
    }

    /// <summary>Now and then, drops what no longer limits anything: idle pushers and full buckets.</summary>
    private void Sweep(long now, LogStoreOptions settings)
    {
        var last = Interlocked.Read(ref _sweptAt);
        if (time.GetElapsedTime(last, now) < TimeSpan.FromMinutes(1) || Interlocked.CompareExchange(ref _sweptAt, now, last) != last)
        {
            return;
        }

        foreach (var (pusher, active) in _byPusher)
        {
            lock (active)
            {
                active.Forget(now, settings.ActiveStreamWindow, time);
                if (active.LastSeen.Count == 0)
                {
                    _byPusher.TryRemove(pusher, out _);
                }
            }
        }

        var burst = Math.Max(settings.PerStreamBurstBytes, settings.PerStreamRateBytes);
        foreach (var (labels, bucket) in _rates)
        {
            lock (bucket)
            {
                bucket.Refill(now, settings.PerStreamRateBytes, burst, time);
                if (bucket.Tokens >= burst)
                {
                    _rates.TryRemove(labels, out _);
                }
            }
        }
    }

    /// <summary>As Loki prints a byte size: 3MB, 512KB, 1000B.</summary>
    private static string Megabytes(long bytes) => bytes switch
    {
        > 0 when bytes % (1024 * 1024) == 0 => $"{bytes / 1024 / 1024}MB",
        > 0 when bytes % 1024 == 0 => $"{bytes / 1024}KB",
        _ => $"{bytes}B",
    };

    private sealed class ActiveStreams
    {
        public Dictionary<LabelSet, long> LastSeen { get; } = [];

        public void Forget(long now, TimeSpan window, TimeProvider time)
        {
            foreach (var (labels, seen) in LastSeen)
            {
                if (time.GetElapsedTime(seen, now) > window)
                {
                    LastSeen.Remove(labels);
                }
            }
        }
    }

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;

        public long Stamp { get; set; } = stamp;

        public void Refill(long now, long rate, long burst, TimeProvider time)
        {
            Tokens = Math.Min(burst, Tokens + time.GetElapsedTime(Stamp, now).TotalSeconds * rate);
            Stamp = now;
        }
    }
}
