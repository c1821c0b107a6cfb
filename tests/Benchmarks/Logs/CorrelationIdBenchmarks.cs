using BenchmarkDotNet.Attributes;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Benchmarks.Logs;

/// <summary>The correlation check runs on every request; it must cost nanoseconds and allocate nothing for a valid id.</summary>
[MemoryDiagnoser]
public class CorrelationIdBenchmarks
{
    private const string Valid = "3f2b9a1e-7c4d-4e0a-9b61-2d5c8e7f1a30";
    private const string Hostile = "3f2b9a1e-7c4d-4e0a-9b61-2d5c8e7f1a30<script>";

    [Benchmark(Baseline = true)]
    public string ReuseValid() => CorrelationId.ReuseOrCreate(Valid);

    [Benchmark]
    public string ReplaceHostile() => CorrelationId.ReuseOrCreate(Hostile);

    [Benchmark]
    public string CreateMissing() => CorrelationId.ReuseOrCreate(null);
}
