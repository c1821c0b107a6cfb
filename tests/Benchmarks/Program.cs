using BenchmarkDotNet.Running;
using TovPlay.Logs.Benchmarks.Store;

// dotnet run -c Release --project tests/Benchmarks -- --filter '*'      (in-memory LogQL, BenchmarkDotNet)
// dotnet run -c Release --project tests/Benchmarks -- store [ingest] [query] [tail]   (embedded store end to end)
if (args is ["store", .. var parts])
{
    return await StoreBenchmark.RunAsync(parts);
}

BenchmarkSwitcher.FromAssembly(typeof(StoreBenchmark).Assembly).Run(args);
return 0;
