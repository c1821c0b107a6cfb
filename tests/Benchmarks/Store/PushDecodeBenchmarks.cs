using BenchmarkDotNet.Attributes;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Push;
using TovPlay.Logs.Domain.Logs.Samples;
using PushJson = TovPlay.Logs.Web.LokiApi.PushJson;
using PushJsonScanner = TovPlay.Logs.Web.LokiApi.PushJsonScanner;
using PushProtobuf = TovPlay.Logs.Web.LokiApi.PushProtobuf;

namespace TovPlay.Logs.Benchmarks.Store;

/// <summary>
/// A 1,000-line push (the ingest benchmark's lines, ~300 bytes of JSON each) read into streams, and checked, as the
/// push endpoint does before the writer sees it: where the JSON format's cost per line beyond protobuf's goes.
/// </summary>
[MemoryDiagnoser]
public class PushDecodeBenchmarks
{
    private byte[] _json = [];
    private byte[] _protobuf = [];
    private List<PushStream> _decoded = [];

    [GlobalSetup]
    public void Setup()
    {
        var entries = SampleDataSet.Generate(new SampleDataOptions
        {
            Start = DateTimeOffset.UtcNow.AddMinutes(-50),
            Duration = TimeSpan.FromMinutes(45),
            BackendLines = 1_000,
            LeanBackendLines = true,
            Seed = 7,
        }).Where(s => s.Labels["job"] == "tovplay-backend").SelectMany(s => s.Entries).OrderBy(e => e.TimestampNs).Take(1_000).ToList();
        var labels = LabelSet.From(("job", "ingest-bench"), ("cell", "1"));
        _json = PushBodies.Json(labels, entries);
        _protobuf = Snappier.Snappy.DecompressToArray(PushBodies.Protobuf(labels, entries));
        _decoded = PushJson.Decode(_json);
        if (!PushJsonScanner.TryDecode(_json, new LineSlab(), out _))
        {
            throw new InvalidOperationException("the benchmark's body is not of the shape the scanner reads");
        }
    }

    /// <summary>The general reader alone, as a body of another shape is read.</summary>
    [Benchmark]
    public int JsonReader() => PushJson.DecodeWithReader(_json, new LineSlab())[0].Entries.Count;

    [Benchmark(Baseline = true)]
    public int Json() => PushJson.Decode(_json)[0].Entries.Count;

    [Benchmark]
    public int Protobuf() => PushProtobuf.Decode(_protobuf)[0].Entries.Count;

    [Benchmark]
    public int Validate() => PushValidator.Validate(_decoded, DateTimeOffset.UtcNow, new PushLimits()).Lines;
}
