using BenchmarkDotNet.Running;
using TovPlay.Logs.Benchmarks.Store;

// dotnet run -c Release --project tests/Benchmarks -- --filter '*'      (in-memory LogQL, BenchmarkDotNet)
// dotnet run -c Release --project tests/Benchmarks -- store [ingest] [query | query-100k] [storage] [tail]   (embedded store end to end)
// dotnet run -c Release --project tests/Benchmarks -- store codecs   (chunk codecs and sizes in memory: bytes per line, MB/s)
// dotnet run -c Release --project tests/Benchmarks -- live [--seconds N] [--clients 1,20,100] [--rates 500,2000,10000]
// dotnet run -c Release --project tests/Benchmarks -- audit [--seconds N] | audit forensic   (audit cost on the audited database)
// dotnet run -c Release --project tests/Benchmarks -- investigate   (the wizard's steps on 2M audited statements and 1M lines)
// dotnet run -c Release --project tests/Benchmarks -- sandbox   (a first start until the sandbox shows a full hour of history)
// dotnet run -c Release --project tests/Benchmarks -- hardening   (attacks on the app in its own process: peak memory and CPU)
// dotnet run -c Release --project tests/Benchmarks -- alerting [--events N] [--rules N] [--seconds N]   (log line to Discord; 500 rules' lag and CPU)
// dotnet run -c Release --project tests/Benchmarks -- ingest-frontend [--seconds N] [--clients N]   (browser batches of 50: entries/s, limiter and redaction cost)
if (args is ["store", "codecs"])
{
    ChunkCodecBenchmark.Run();
    return 0;
}

if (args is ["store", .. var parts])
{
    return await StoreBenchmark.RunAsync(parts);
}

if (args is ["live", .. var options])
{
    return Environment.GetEnvironmentVariable(StoreBenchmark.ServerVariable) is { Length: > 0 } server
        ? await TovPlay.Logs.Benchmarks.Live.LiveBenchmark.RunAsync(server, options)
        : Fail($"{StoreBenchmark.ServerVariable} is not set: run scripts/bench.sh live, which starts a PostgreSQL for the benchmark.");
}

if (args is ["audit", .. var auditOptions])
{
    return Environment.GetEnvironmentVariable(StoreBenchmark.ServerVariable) is { Length: > 0 } server
        ? await TovPlay.Logs.Benchmarks.Audit.AuditBenchmark.RunAsync(server, auditOptions)
        : Fail($"{StoreBenchmark.ServerVariable} is not set: run scripts/bench.sh audit, which starts a PostgreSQL for the benchmark.");
}

if (args is ["investigate"])
{
    return Environment.GetEnvironmentVariable(StoreBenchmark.ServerVariable) is { Length: > 0 } server
        ? await TovPlay.Logs.Benchmarks.Investigations.InvestigationBenchmark.RunAsync(server)
        : Fail($"{StoreBenchmark.ServerVariable} is not set: run scripts/bench.sh investigate, which starts a PostgreSQL for the benchmark.");
}

if (args is ["sandbox"])
{
    return Environment.GetEnvironmentVariable(StoreBenchmark.ServerVariable) is { Length: > 0 } server
        ? await TovPlay.Logs.Benchmarks.Sandbox.SandboxBenchmark.RunAsync(server)
        : Fail($"{StoreBenchmark.ServerVariable} is not set: run scripts/bench.sh sandbox, which starts a PostgreSQL for the benchmark.");
}

if (args is ["hardening"])
{
    return Environment.GetEnvironmentVariable(StoreBenchmark.ServerVariable) is { Length: > 0 } server
        ? await TovPlay.Logs.Benchmarks.Security.HardeningBenchmark.RunAsync(server)
        : Fail($"{StoreBenchmark.ServerVariable} is not set: run scripts/bench.sh hardening, which starts a PostgreSQL for the benchmark.");
}

if (args is ["alerting", .. var alertingOptions])
{
    return Environment.GetEnvironmentVariable(StoreBenchmark.ServerVariable) is { Length: > 0 } server
        ? await TovPlay.Logs.Benchmarks.Alerting.AlertingBenchmark.RunAsync(server, alertingOptions)
        : Fail($"{StoreBenchmark.ServerVariable} is not set: run scripts/bench.sh alerting, which starts a PostgreSQL for the benchmark.");
}

if (args is ["ingest-frontend", .. var ingestOptions])
{
    return Environment.GetEnvironmentVariable(StoreBenchmark.ServerVariable) is { Length: > 0 } server
        ? await TovPlay.Logs.Benchmarks.Ingest.FrontendIngestBenchmark.RunAsync(server, ingestOptions)
        : Fail($"{StoreBenchmark.ServerVariable} is not set: run scripts/bench.sh ingest-frontend, which starts a PostgreSQL for the benchmark.");
}

BenchmarkSwitcher.FromAssembly(typeof(StoreBenchmark).Assembly).Run(args);
return 0;

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}
