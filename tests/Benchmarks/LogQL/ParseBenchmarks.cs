using BenchmarkDotNet.Attributes;
using TovPlay.Logs.Domain.LogQL;

namespace TovPlay.Logs.Benchmarks.LogQL;

/// <summary>Parse throughput on a mix of typical queries; ops/s = queries per second (one operation is one query).</summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private static readonly string[] s_queries =
    [
        "{job=\"tovplay-backend\"}",
        "{job=\"tovplay-backend\", level=\"error\"} |= \"timeout\"",
        "{job=\"tovplay-backend\"} | json | action=\"DELETE\" | username=\"player07\"",
        "{job=\"tovplay-db-audit\"} | logfmt | action=~\"DELETE|TRUNCATE\" | rows > 100",
        "sum by (level) (count_over_time({job=\"tovplay-backend\"}[1m]))",
        "sum by (path) (rate({job=\"tovplay-backend\"} | json | status>=500 [5m])) / sum by (path) (rate({job=\"tovplay-backend\"} | json [5m]))",
        "quantile_over_time(0.95, {job=\"tovplay-backend\"} | json | unwrap duration_ms | __error__=\"\" [5m]) by (path)",
        "topk(10, sum by (username) (count_over_time({job=\"tovplay-backend\"} | json [1h])))",
    ];

    [Benchmark(OperationsPerInvoke = 8)]
    public int ParseMix()
    {
        var total = 0;
        foreach (var query in s_queries)
        {
            total += LogQLQuery.Parse(query).GetHashCode() & 1;
        }

        return total;
    }
}
