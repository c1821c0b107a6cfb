using System.Diagnostics.Tracing;

namespace TovPlay.Logs.Benchmarks;

/// <summary>
/// Where a figure's garbage comes from: the runtime's allocation ticks (one event per ~100 KB allocated, naming the type
/// that crossed the mark), summed by type. A sample, not a count, but the large shares it names are the real ones.
/// Opt-in (<c>TOVPLAY_BENCH_ALLOCATIONS=1</c>): listening costs time of its own.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const int GcKeyword = 0x1;
    private const int AllocationTickEvent = 10;

    private readonly Dictionary<string, long> _bytes = [];
    private bool _listening;

    public static AllocationSampler? FromEnvironment() =>
        Environment.GetEnvironmentVariable("TOVPLAY_BENCH_ALLOCATIONS") == "1" ? new AllocationSampler() : null;

    /// <summary>Forgets what was sampled so far and starts sampling.</summary>
    public void Start()
    {
        lock (_bytes)
        {
            _bytes.Clear();
            _listening = true;
        }
    }

    /// <summary>Stops sampling and prints the types with the largest shares.</summary>
    public void Report(string what, int top = 12)
    {
        List<KeyValuePair<string, long>> shares;
        lock (_bytes)
        {
            _listening = false;
            shares = [.. _bytes.OrderByDescending(p => p.Value)];
        }

        var total = shares.Sum(p => p.Value);
        Console.WriteLine($"//   allocations of {what}: ~{total / 1e6:0} MB sampled");
        foreach (var (type, bytes) in shares.Take(top))
        {
            Console.WriteLine($"//     {bytes * 100.0 / Math.Max(1, total),5:0.0}%  {type}");
        }
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventId != AllocationTickEvent || e.Payload is null || e.PayloadNames is null)
        {
            return;
        }

        var type = e.PayloadNames.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a]) : 100_000;
        lock (_bytes)
        {
            if (_listening)
            {
                _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
            }
        }
    }
}
