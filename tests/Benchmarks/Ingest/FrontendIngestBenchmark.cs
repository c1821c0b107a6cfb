using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.RateLimiting;
using TovPlay.Logs.Benchmarks.Live;
using TovPlay.Logs.Benchmarks.Store;
using TovPlay.Logs.Domain.Ingest;

namespace TovPlay.Logs.Benchmarks.Ingest;

/// <summary>
/// The browsers' endpoint at full speed: batches of 50 entries as the frontend logger sends them (the contract's
/// fields, a secret in one entry of ten), posted by concurrent clients from several addresses to the app in its own
/// process with fsync on; entries stored per second, request latency, the app's CPU. Then what two of its defences
/// cost on their own: the rate limiter's acquire per request and the redaction of a batch.
/// Run: scripts/bench.sh ingest-frontend [--seconds N] [--clients N].
/// </summary>
public static class FrontendIngestBenchmark
{
    private const string Origin = "https://bench.tovplay.test";
    private const int BatchSize = 50;

    public static async Task<int> RunAsync(string server, string[] options)
    {
        var seconds = Option(options, "--seconds", 20);
        var clients = Option(options, "--clients", 16);

        await using var prepared = await BenchApp.StartAsync(server);
        await prepared.App.StopAsync();
        await using var app = await ServerProcess.StartAsync(prepared.ConnectionString, [
            "--Database:MigrateOnStartup=false",
            $"--Ingest:Frontend:AllowedOrigins:0={Origin}",
            // The limiter stays on, per address, with room for the load: its cost is in the figure.
            "--Ingest:Frontend:RequestsPerSecond=100000",
            "--Ingest:Frontend:Burst=100000",
        ]);
        Console.WriteLine($"// {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:u}; the app in its own process, fsync on");

        var bodies = Enumerable.Range(0, 64).Select(Batch).ToArray();
        Console.WriteLine($"1. {clients} clients posting batches of {BatchSize} for {seconds} s ({bodies.Average(b => b.Length) / 1024:0.0} KB a batch, one entry in ten with a secret):");
        await PostAsync(app, bodies, 4, TimeSpan.FromSeconds(3)); // warm-up
        var cpuBefore = app.CpuSecondsSinceReady;
        var (requests, failures, latencies, elapsed) = await PostAsync(app, bodies, clients, TimeSpan.FromSeconds(seconds));
        var cpu = app.CpuSecondsSinceReady - cpuBefore;
        latencies.Sort();
        var entries = requests * BatchSize;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   {entries / elapsed.TotalSeconds:N0} entries/s ({requests / elapsed.TotalSeconds:N0} batches/s), {failures} refused or failed; "
            + $"latency p50 {Percentile(latencies, 0.5):0.0} ms, p99 {Percentile(latencies, 0.99):0.0} ms; app CPU {cpu / elapsed.TotalSeconds * 100:0}% of one core, "
            + $"{cpu / entries * 1e6:0.0} µs per entry; peak RSS {app.PeakRssBytes / 1024 / 1024} MB"));

        Console.WriteLine("2. the defences alone, in this process:");
        RateLimiterCost();
        RedactionCost(bodies);
        return 0;
    }

    private static async Task<(long Requests, long Failures, List<double> LatenciesMs, TimeSpan Elapsed)> PostAsync(ServerProcess app, string[] bodies, int clients, TimeSpan duration)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2 };
        using var http = new HttpClient(handler) { BaseAddress = app.Address };
        long requests = 0, failures = 0;
        var latencies = new List<double>();
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            var own = new List<double>();
            var i = client;
            while (stopwatch.Elapsed < duration)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/ingest/frontend")
                {
                    Content = new StringContent(bodies[i++ % bodies.Length], Encoding.UTF8, "application/json"),
                };
                request.Headers.Add("Origin", Origin);
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                own.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref requests);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                }
            }

            lock (latencies)
            {
                latencies.AddRange(own);
            }
        }));
        return (requests, failures, latencies, stopwatch.Elapsed);
    }

    /// <summary>The endpoint's limiter, partitioned by address as the app does, acquired once per request.</summary>
    private static void RateLimiterCost()
    {
        using var limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = 100_000, TokensPerPeriod = 100_000, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0, AutoReplenishment = true,
        }));
        var addresses = Enumerable.Range(0, 1000).Select(i => $"198.51.{i / 250}.{i % 250}").ToArray();
        const int Rounds = 2_000_000;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < Rounds; i++)
        {
            using var lease = limiter.AttemptAcquire(addresses[i % addresses.Length]);
        }

        var perRequest = stopwatch.Elapsed.TotalNanoseconds / Rounds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   rate limiter: {perRequest:0} ns per request (1,000 addresses), {perRequest / BatchSize:0.0} ns per entry"));
    }

    /// <summary>Redaction and line building of the same batches, with and without their secrets.</summary>
    private static void RedactionCost(string[] bodies)
    {
        var now = DateTimeOffset.UtcNow;
        var limits = new FrontendLimits();
        var batches = bodies.Select(b => FrontendBatch.Read(Encoding.UTF8.GetBytes(b), limits, now).Batch!).ToArray();
        var caller = new FrontendCaller("203.0.113.9", "Mozilla/5.0");
        for (var i = 0; i < 200; i++)
        {
            FrontendLines.Build(batches[i % batches.Length], caller);
        }

        const int Rounds = 4_000;
        var redactions = 0;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < Rounds; i++)
        {
            redactions += FrontendLines.Build(batches[i % batches.Length], caller).Redactions;
        }

        var build = stopwatch.Elapsed.TotalMicroseconds / Rounds;
        stopwatch.Restart();
        for (var i = 0; i < Rounds; i++)
        {
            foreach (var entry in batches[i % batches.Length].Entries)
            {
                SecretRedactor.Redact(entry.Fields.DeepClone().AsObject());
                SecretRedactor.RedactText(entry.Message);
            }
        }

        var redact = stopwatch.Elapsed.TotalMicroseconds / Rounds;
        stopwatch.Restart();
        for (var i = 0; i < Rounds; i++)
        {
            FrontendBatch.Read(Encoding.UTF8.GetBytes(bodies[i % bodies.Length]), limits, now);
        }

        var read = stopwatch.Elapsed.TotalMicroseconds / Rounds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   per batch of {BatchSize}: reading and checking {read:0} µs; redaction alone {redact:0} µs ({redact / BatchSize:0.00} µs per entry, {redactions / Rounds:0.0} secrets found a batch); "
            + $"redaction and line building {build:0} µs"));
    }

    /// <summary>A batch as the logger sends it: an action, requests' lines, an error now and then, a secret in one of ten.</summary>
    private static string Batch(int seed)
    {
        var random = new Random(seed);
        var entries = new StringBuilder();
        for (var i = 0; i < BatchSize; i++)
        {
            var correlation = Guid.NewGuid();
            var secret = i % 10 == 3
                ? ", \"form\": {\"email\": \"player@tovplay.test\", \"password\": \"Hunter2-" + random.Next() + "\"}, \"note\": \"card 4111 1111 1111 1111\""
                : "";
            var level = i % 17 == 0 ? "error" : i % 5 == 0 ? "warn" : "info";
            entries.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $$"""
                {"ts": {{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - random.Next(0, 2000)}}, "level": "{{level}}", "message": "user action {{random.Next(1000)}} on /games/{{random.Next(100)}}",
                 "action": "click:browse-games", "page": "/games", "correlation_id": "{{correlation}}", "session_id": "s-{{seed}}", "duration_ms": {{random.Next(5, 900)}}{{secret}}}
                """);
        }

        return $$"""{"env": "prod", "entries": [{{entries}}]}""";
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private static int Option(string[] options, string name, int fallback)
    {
        var at = Array.IndexOf(options, name);
        return at >= 0 && at + 1 < options.Length && int.TryParse(options[at + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}
