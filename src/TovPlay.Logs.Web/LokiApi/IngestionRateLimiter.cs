using System.Collections.Concurrent;

namespace TovPlay.Logs.Web.LokiApi;

/// <summary>
/// Loki's per-tenant ingestion limit, per API key: a token bucket of bytes refilled at the key's rate, holding at most
/// one and a half seconds' worth (Loki's defaults are 4 MB/s with a 6 MB burst).
/// </summary>
public sealed class IngestionRateLimiter(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new();

    /// <summary>Takes <paramref name="bytes"/> from the key's bucket, or returns false and takes nothing.</summary>
    public bool TryAcquire(string key, int ratePerSecond, long bytes)
    {
        var bucket = _buckets.GetOrAdd(key, _ => new Bucket(ratePerSecond * 1.5, time.GetTimestamp()));
        lock (bucket)
        {
            var now = time.GetTimestamp();
            var capacity = ratePerSecond * 1.5;
            bucket.Tokens = Math.Min(capacity, bucket.Tokens + time.GetElapsedTime(bucket.Stamp, now).TotalSeconds * ratePerSecond);
            bucket.Stamp = now;

            // A single push larger than the whole burst could never pass; let it through when the bucket is full.
            if (bucket.Tokens >= bytes || bucket.Tokens >= capacity)
            {
                bucket.Tokens -= bytes;
                return true;
            }

            return false;
        }
    }

    public static string Refusal(string user, int ratePerSecond, int lines, long bytes) =>
        $"Ingestion rate limit exceeded for user {user} (limit: {ratePerSecond} bytes/sec) while attempting to ingest '{lines}' lines totaling '{bytes}' bytes, reduce log volume or contact your Loki administrator to see if the limit can be increased";

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;

        public long Stamp { get; set; } = stamp;
    }
}
