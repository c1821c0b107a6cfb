using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Samples;

namespace TovPlay.Logs.Benchmarks.LogQL;

/// <summary>
/// Evaluation over 1,000,000 generated backend lines in one hour, in memory: lean lines of about 300 bytes (the
/// workload the targets are set for) and full lines of about 380 bytes (every contract field). One operation is one
/// whole query; allocation per line = Allocated / 1,000,000.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 7)]
public class EvaluationBenchmarks
{
    private const int Lines = 1_000_000;

    private InMemoryLogSource _source = null!;
    private Utf8MemorySource _utf8Source = null!;
    private long _start;
    private long _end;
    private LogQueryExpr _needle = null!;
    private LogQueryExpr _jsonDelete = null!;
    private LogQLExpr _countByLevel = null!;
    private LogQLExpr _quantileByPath = null!;

    [Params(true, false)]
    public bool LeanLines { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new SampleDataOptions { BackendLines = Lines, LeanBackendLines = LeanLines };
        var streams = SampleDataSet.Generate(options);

        // Only the backend streams matter to these queries; drop the rest to keep memory down. Each stream's lines are
        // copied one after the other, as a store hands them over: the generator's heap layout (lines of all streams
        // interleaved with its own garbage) would otherwise be measured instead of the evaluator.
        _source = new InMemoryLogSource(streams.Where(s => s.Labels["job"] == "tovplay-backend")
            .Select(s => new LogStream(s.Labels, [.. s.Entries.Select(e => new LogEntry(e.TimestampNs, new string(e.Line.AsSpan())))])));
        _utf8Source = new Utf8MemorySource(_source);
        GC.Collect();
        _start = options.Start.ToUnixTimeMilliseconds() * 1_000_000;
        _end = _start + (long)(options.Duration.TotalMilliseconds * 1_000_000) + 1;
        _needle = (LogQueryExpr)LogQLQuery.Parse("{job=\"tovplay-backend\"} |= \"needle\"");
        _jsonDelete = (LogQueryExpr)LogQLQuery.Parse("{job=\"tovplay-backend\"} | json | action=\"DELETE\"");
        _countByLevel = LogQLQuery.Parse("sum by (level) (count_over_time({job=\"tovplay-backend\"}[1m]))");
        _quantileByPath = LogQLQuery.Parse("quantile_over_time(0.99, {job=\"tovplay-backend\"} | json | unwrap duration_ms [1m]) by (path)");
        var bytes = streams.Where(s => s.Labels["job"] == "tovplay-backend").SelectMany(s => s.Entries).Average(e => e.Line.Length);
        Console.WriteLine($"// data: {streams.Where(s => s.Labels["job"] == "tovplay-backend").Sum(s => s.Entries.Count):N0} backend lines, {bytes:0} bytes on average");
    }

    /// <summary>Scans every line: "needle" occurs in none of them. Limit is not reached, so all lines are read.</summary>
    [Benchmark]
    public int LineFilterNeedle() => LogQueryEvaluator.Run(_needle, _source, _start, _end, Direction.Backward, 5000).Count();

    /// <summary>Parses every line as JSON and keeps DELETE requests (about a tenth); the limit is high enough to read all.</summary>
    [Benchmark]
    public int JsonActionDelete() => LogQueryEvaluator.Run(_jsonDelete, _source, _start, _end, Direction.Forward, int.MaxValue).Count();

    /// <summary>Counts lines per level in 1-minute windows at every minute of the hour.</summary>
    [Benchmark]
    public int CountOverTimeByLevel() => MetricEvaluator.EvaluateRange(_countByLevel, _source, _start, _end - 1, 60_000_000_000).Series.Count;

    /// <summary>Parses every line as JSON, unwraps its duration and takes the 99th percentile per path in 1-minute windows.</summary>
    [Benchmark]
    public int QuantileOverTimeByPath() => MetricEvaluator.EvaluateRange(_quantileByPath, _source, _start, _end - 1, 60_000_000_000).Series.Count;

    /// <summary>The same over lines kept as UTF-8 and offered so, as the store's head offers them.</summary>
    [Benchmark]
    public int QuantileOverTimeByPathUtf8() => MetricEvaluator.EvaluateRange(_quantileByPath, _utf8Source, _start, _end - 1, 60_000_000_000).Series.Count;

    /// <summary>Each stream's lines also as UTF-8, offered beside the text as the store's head does.</summary>
    private sealed class Utf8MemorySource(InMemoryLogSource text) : ILogStreamSource
    {
        private readonly Dictionary<LabelSet, List<Utf8Entry>> _utf8 = text.Select(new LogSelection(LogQLQuery.Parse("{job=~\".+\"}") is LogQueryExpr all ? all.Selector : throw new InvalidOperationException(), long.MinValue, long.MaxValue, Direction.Forward))
            .ToDictionary(s => s.Labels, s => s.Entries.Select(Utf8Entry.Of).ToList());

        public IEnumerable<StreamSlice> Select(LogSelection selection)
        {
            foreach (var slice in text.Select(selection))
            {
                var utf8 = _utf8[slice.Labels];
                var first = LowerBound(utf8, selection.StartNs);
                var end = LowerBound(utf8, selection.EndNs);
                IEnumerable<Utf8Entry> range = selection.Direction == Direction.Forward
                    ? utf8.Skip(first).Take(end - first)
                    : utf8.Skip(first).Take(end - first).Reverse();
                yield return slice with { Utf8Entries = range };
            }
        }

        private static int LowerBound(List<Utf8Entry> entries, long ts)
        {
            int lo = 0, hi = entries.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (entries[mid].TimestampNs < ts)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }
    }
}
