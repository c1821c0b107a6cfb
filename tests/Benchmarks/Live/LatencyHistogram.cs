namespace TovPlay.Logs.Benchmarks.Live;

/// <summary>Latencies counted in 0.1 ms buckets up to 60 s, shared by many clients without locks or per-sample memory.</summary>
public sealed class LatencyHistogram
{
    private const double BucketMs = 0.1;
    private readonly long[] _buckets = new long[600_000];
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Forgets every sample (after a warm-up).</summary>
    public void Reset()
    {
        Array.Clear(_buckets);
        Interlocked.Exchange(ref _count, 0);
    }

    public void Add(double milliseconds)
    {
        var bucket = (int)Math.Clamp(milliseconds / BucketMs, 0, _buckets.Length - 1);
        Interlocked.Increment(ref _buckets[bucket]);
        Interlocked.Increment(ref _count);
    }

    /// <summary>The latency below which <paramref name="fraction"/> of the samples fall (bucket upper bound), in ms.</summary>
    public double Percentile(double fraction)
    {
        var target = (long)Math.Ceiling(Count * fraction);
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += _buckets[i];
            if (seen >= target && seen > 0)
            {
                return (i + 1) * BucketMs;
            }
        }

        return double.NaN;
    }
}
