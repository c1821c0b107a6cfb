using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Samples;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.LogStore;

namespace TovPlay.Logs.Benchmarks.Store;

/// <summary>
/// End-to-end figures of the embedded store, over HTTP on loopback against a real PostgreSQL: ingest throughput,
/// the query set's latency on 100k and 1M lines in one hour, storage per line and tail latency.
/// Run: scripts/bench.sh store (starts a throwaway PostgreSQL), or with TOVPLAY_BENCH_PG set:
/// <c>dotnet run -c Release --project tests/Benchmarks -- store [ingest] [query | query-100k] [storage] [tail]</c>.
/// </summary>
public static class StoreBenchmark
{
    public const string ServerVariable = "TOVPLAY_BENCH_PG";

    public static async Task<int> RunAsync(string[] args)
    {
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            Console.Error.WriteLine($"{ServerVariable} is not set: run scripts/bench.sh store, which starts a PostgreSQL for the benchmark.");
            return 2;
        }

        var parts = args.Length == 0 ? ["ingest", "query", "tail"] : args;
        Console.WriteLine($"// {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:u}");
        if (parts.Contains("ingest"))
        {
            await IngestAsync(server);
        }

        if (parts.Contains("query") || parts.Contains("query-100k"))
        {
            await QueryAsync(server, withMillion: parts.Contains("query"));
        }

        if (parts.Contains("storage"))
        {
            await StorageAsync(server);
        }

        if (parts.Contains("tail"))
        {
            await TailAsync(server);
        }

        return 0;
    }

    private static async Task IngestAsync(string server)
    {
        Console.WriteLine();
        Console.WriteLine($"Ingest through POST /loki/api/v1/push (lines of ~300 bytes; MB/s of line bytes; {(GCSettings.IsServerGC ? "server" : "workstation")} GC)");
        if (!GCSettings.IsServerGC)
        {
            Console.WriteLine("// the app runs with server GC in production: set DOTNET_gcServer=1 (scripts/bench.sh store does) for its figures");
        }

        await using var app = await BenchApp.StartAsync(server);
        var cells = (from format in new[] { "json", "protobuf" }
                     from batch in new[] { 100, 1000 }
                     from pushers in new[] { 1, 4 }
                     select (Format: format, Batch: batch, Pushers: pushers))
                    .Where(c => Environment.GetEnvironmentVariable("TOVPLAY_BENCH_CELLS") is not { Length: > 0 } only
                        || only.Split(',').Contains($"{c.Format}:{c.Batch}x{c.Pushers}"))
                    .ToList();

        // Every code path is compiled and optimised before anything is timed: a sustained rate, not a cold start. One
        // round of the cells left the first ones timed on quick-tier code (100-line JSON pushes cost 86 ms of processor
        // per 1,000 lines instead of 20).
        await WarmUpAsync("every cell", minimumRounds: 2, async round =>
        {
            for (var i = 0; i < cells.Count; i++)
            {
                await PushCellAsync(app, cells[i].Format, cells[i].Batch, cells[i].Pushers, 20_000, seed: 100 + (round * cells.Count) + i);
            }
        });

        // CPU per 1,000 lines says where the time goes: this process (the app, and the pushing client) and PostgreSQL.
        Console.WriteLine($"{"format",-9} {"batch",6} {"pushers",8} {"lines",9} {"seconds",8} {"lines/s",10} {"MB/s",7} {"app ms/1k",10} {"pg ms/1k",9} {"GCs",5} {"gen2",5} {"GC ms",6} {"B/line",8}");
        using var allocations = AllocationSampler.FromEnvironment();
        for (var i = 0; i < cells.Count; i++)
        {
            var (format, batch, pushers) = cells[i];
            var total = batch == 100 && pushers == 1 ? 100_000 : 500_000;
            var (seconds, bytes, appCpu, postgresCpu, gc) = await PushCellAsync(app, format, batch, pushers, total, seed: i + 1, allocations);
            Console.WriteLine(
                $"{format,-9} {batch,6} {pushers,8} {total,9:N0} {seconds,8:0.00} {total / seconds,10:N0} {bytes / seconds / 1e6,7:0.0} " +
                $"{appCpu * 1e6 / total,10:0.00} {postgresCpu * 1e6 / total,9:0.00} {gc.Collections,5} {gc.Gen2,5} {gc.Paused.TotalMilliseconds,6:0} {gc.Allocated / (double)total,8:0}");
            allocations?.Report($"{format} {batch}x{pushers}");
        }
    }

    /// <summary>The collector's work while pushes ran: collections, of them gen 2, time paused, bytes allocated.</summary>
    private readonly record struct GcWork(int Collections, int Gen2, TimeSpan Paused, long Allocated)
    {
        public static GcWork Now => new(GC.CollectionCount(0), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());

        public static GcWork operator -(GcWork a, GcWork b) => new(a.Collections - b.Collections, a.Gen2 - b.Gen2, a.Paused - b.Paused, a.Allocated - b.Allocated);
    }

    /// <summary>
    /// Pushes <paramref name="total"/> fresh lines into a stream of their own; returns the seconds, the line bytes, the
    /// CPU seconds this process and PostgreSQL spent meanwhile, and the collector's work (the bodies are made before).
    /// </summary>
    private static async Task<(double Seconds, long Bytes, double AppCpu, double PostgresCpu, GcWork Gc)> PushCellAsync(
        BenchApp app, string format, int batch, int pushers, int total, int seed, AllocationSampler? allocations = null)
    {
        var (lines, bytes) = Lines(total, seed);
        var labels = LabelSet.From(("job", "ingest-bench"), ("cell", seed.ToString(CultureInfo.InvariantCulture)));
        var bodies = lines.Chunk(batch)
            .Select(c => format == "json" ? PushBodies.Json(labels, c) : PushBodies.Protobuf(labels, c))
            .ToList();
        lines = null;
        GC.Collect();
        var (appBefore, postgresBefore, gcBefore) = (ProcessCpu.Seconds(Environment.ProcessId), ProcessCpu.SecondsOfAll("postgres"), GcWork.Now);
        allocations?.Start();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, pushers).Select(p => Task.Run(async () =>
        {
            using var client = app.CreateClient();
            for (var i = p; i < bodies.Count; i += pushers)
            {
                using var content = new ByteArrayContent(bodies[i]);
                content.Headers.ContentType = new(format == "json" ? "application/json" : "application/x-protobuf");
                using var response = await client.PostAsync("push", content);
                if (response.StatusCode != HttpStatusCode.NoContent)
                {
                    throw new InvalidOperationException($"push answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        return (seconds, bytes, ProcessCpu.Seconds(Environment.ProcessId) - appBefore, ProcessCpu.SecondsOfAll("postgres") - postgresBefore, GcWork.Now - gcBefore);
    }

    /// <summary>The query set on 100k lines, then (<paramref name="withMillion"/>) on 1M; with the head, then without.</summary>
    private static async Task QueryAsync(string server, bool withMillion)
    {
        await using var app = await BenchApp.StartAsync(server);
        var now = DateTimeOffset.UtcNow;
        var options = new SampleDataOptions { Start = now.AddMinutes(-58), Duration = TimeSpan.FromMinutes(57), BackendLines = 100_000, LeanBackendLines = true };
        var needle = await LoadAsync(app, options);
        await CompactAsync(app);
        await ReportQueriesAsync(app, now, needle, "100k");
        await ReportStorageAsync(app);
        await using (var chunksOnly = await BenchApp.StartAsync(app.ServerConnectionString, app.Database, "--LogStore:HeadMegabytes=0"))
        {
            await ReportQueriesAsync(chunksOnly, now, needle, "100k, read from the database's chunks (head off)");
        }

        if (!withMillion)
        {
            return;
        }

        await LoadAsync(app, options with { BackendLines = 900_000, Seed = options.Seed + 1 });
        await CompactAsync(app);
        await ReportQueriesAsync(app, now, needle, "1M");
        await ReportStorageAsync(app);
        await using (var chunksOnly = await BenchApp.StartAsync(app.ServerConnectionString, app.Database, "--LogStore:HeadMegabytes=0"))
        {
            await ReportQueriesAsync(chunksOnly, now, needle, "1M, read from the database's chunks (head off)");
        }
    }

    /// <summary>Bytes per line alone (the query part reports them too): 100k lines, then 1M, each compacted.</summary>
    private static async Task StorageAsync(string server)
    {
        await using var app = await BenchApp.StartAsync(server);
        var options = new SampleDataOptions { Start = DateTimeOffset.UtcNow.AddMinutes(-58), Duration = TimeSpan.FromMinutes(57), BackendLines = 100_000, LeanBackendLines = true };
        await LoadAsync(app, options);
        await CompactAsync(app);
        await ReportStorageAsync(app);
        await LoadAsync(app, options with { BackendLines = 900_000, Seed = options.Seed + 1 });
        await CompactAsync(app);
        await ReportStorageAsync(app);
    }

    /// <summary>Compacts every fresh chunk, as the app does on its own within a minute, then vacuums what it replaced.</summary>
    private static async Task CompactAsync(BenchApp app)
    {
        var clock = Stopwatch.StartNew();
        var rewritten = await app.App.Services.GetRequiredService<ChunkCompactor>().CompactOnceAsync(CancellationToken.None, everything: true);
        Console.WriteLine($"// compaction rewrote {rewritten:N0} pushed chunks in {clock.Elapsed.TotalSeconds:0.0} s");
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE logstore.chunks", connection) { CommandTimeout = 0 };
        await vacuum.ExecuteNonQueryAsync();
    }

    /// <summary>Loads the backend streams of a generated hour through the push API; returns one correlation id in it.</summary>
    private static async Task<string> LoadAsync(BenchApp app, SampleDataOptions options)
    {
        var streams = SampleDataSet.Generate(options).Where(s => s.Labels["job"] == "tovplay-backend").ToList();
        var bodies = streams.SelectMany(s => s.Entries.Chunk(1000).Select(c => PushBodies.Protobuf(s.Labels, c))).ToList();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
        {
            using var client = app.CreateClient();
            for (var i = p; i < bodies.Count; i += 4)
            {
                using var content = new ByteArrayContent(bodies[i]);
                content.Headers.ContentType = new("application/x-protobuf");
                using var response = await client.PostAsync("push", content);
                response.EnsureSuccessStatusCode();
            }
        })));
        var lines = streams.Sum(s => s.Entries.Count);
        Console.WriteLine();
        Console.WriteLine($"// loaded {lines:N0} lines ({streams.SelectMany(s => s.Entries).Average(e => e.Line.Length):0} bytes on average) in {clock.Elapsed.TotalSeconds:0.0} s");

        var line = streams[0].Entries[streams[0].Entries.Count / 2].Line;
        var at = line.IndexOf("\"correlation_id\":\"", StringComparison.Ordinal) + 18;
        return line[at..line.IndexOf('"', at)];
    }

    private static async Task ReportQueriesAsync(BenchApp app, DateTimeOffset now, string needle, string size)
    {
        var start = TimeWindow.Ns(now.AddHours(-1));
        var end = TimeWindow.Ns(now);
        var queries = new (string Name, string Query, string Extra)[]
        {
            ("limit 100", "{job=\"tovplay-backend\"}", "limit=100"),
            ("limit 5000", "{job=\"tovplay-backend\"}", "limit=5000"),
            ("json DELETE limit 1000", "{job=\"tovplay-backend\"} | json | action=\"DELETE\"", "limit=1000"),
            ("needle (one correlation id)", $"{{job=\"tovplay-backend\"}} |= \"{needle}\"", "limit=100"),
            ("count by level, step 60", "sum by (level) (count_over_time({job=\"tovplay-backend\"}[1m]))", "step=60"),
            ("p99 duration by path, step 60", "quantile_over_time(0.99, {job=\"tovplay-backend\"} | json | unwrap duration_ms [1m]) by (path)", "step=60"),
        };
        using var client = app.CreateClient();
        var urls = queries.Select(q => $"query_range?query={Uri.EscapeDataString(q.Query)}&start={start}&end={end}&{q.Extra}").ToList();
        Console.WriteLine($"Query latency over HTTP, {size} lines in the hour (ms; after the warm-up, 20 runs each)");
        await WarmUpAsync("the query set", minimumRounds: 3, async _ =>
        {
            foreach (var url in urls)
            {
                using var response = await client.GetAsync(url);
                await response.Content.ReadAsStringAsync();
            }
        });

        // The app runs in this process: its collections and their pauses per run say how much of a query is the GC's.
        Console.WriteLine($"{"query",-32} {"median",8} {"p95",8} {"min",8} {"result",10} {"GCs/run",8} {"gen2/run",9} {"GC ms/run",10}");
        foreach (var ((name, _, _), url) in queries.Zip(urls))
        {
            var times = new List<double>();
            var resultSize = "";

            // Runs 1-2 of this query alone settle it after the set's warm-up; runs 3-22 are timed.
            var (collections, gen2, paused) = (0, 0, TimeSpan.Zero);
            for (var i = 0; i < 22; i++)
            {
                if (i == 2)
                {
                    (collections, gen2, paused) = (GC.CollectionCount(0), GC.CollectionCount(2), GC.GetTotalPauseDuration());
                }

                var clock = Stopwatch.StartNew();
                using var response = await client.GetAsync(url);
                var body = await response.Content.ReadAsStringAsync();
                clock.Stop();
                if (!response.IsSuccessStatusCode)
                {
                    resultSize = $"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 80)]}";
                    times.Clear();
                    break;
                }

                if (i >= 2)
                {
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }

                resultSize = $"{body.Length / 1024:N0} KB";
            }

            if (times.Count == 0)
            {
                Console.WriteLine($"{name,-32} failed {resultSize}");
                continue;
            }

            times.Sort();
            var gcs = (double)(GC.CollectionCount(0) - collections) / times.Count;
            var gen2s = (double)(GC.CollectionCount(2) - gen2) / times.Count;
            var gcMs = (GC.GetTotalPauseDuration() - paused).TotalMilliseconds / times.Count;
            Console.WriteLine(
                $"{name,-32} {times[times.Count / 2],8:0.0} {times[(int)Math.Ceiling(times.Count * 0.95) - 1],8:0.0} {times[0],8:0.0} {resultSize,10} " +
                $"{gcs,8:0.0} {gen2s,9:0.0} {gcMs,10:0.0}");
        }

    }

    /// <summary>
    /// Runs rounds of the work (the query set, every ingest cell) until the JIT has settled: .NET compiles a method
    /// quickly first and again, optimised, once it has been called often, but only after no new method has been
    /// compiled for a moment; a freshly started app compiles new methods for a while (its background work, its first
    /// requests), and the code stays in the quick tier meanwhile (a json filter took 95 ms instead of 25). A server that
    /// runs all day runs the optimised code, and so is it timed: until a round, and the second after it, compile
    /// nothing (at most 90 s).
    /// </summary>
    private static async Task WarmUpAsync(string what, int minimumRounds, Func<int, Task> round)
    {
        var clock = Stopwatch.StartNew();
        var rounds = 0;
        long compiled;
        do
        {
            var before = System.Runtime.JitInfo.GetCompiledMethodCount();
            await round(rounds);
            rounds++;

            // The optimised versions are compiled in the background, a moment after the calls that earn them: a
            // round is settled when neither it nor the second after it compiled anything. A looser test (fewer than
            // 20 methods) let a run time its first dozen queries at several times their settled cost.
            await Task.Delay(TimeSpan.FromSeconds(1));
            compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - before;
        }
        while ((rounds < minimumRounds || compiled > 0) && clock.Elapsed < TimeSpan.FromSeconds(90));

        Console.WriteLine($"// warm-up: {rounds} rounds of {what} in {clock.Elapsed.TotalSeconds:0} s; the last compiled {compiled} methods");
    }

    /// <summary>
    /// Bytes on disk per stored line: the chunk partitions that hold lines, with their TOAST and indexes. Twice: the
    /// files as they are (the space of the pushed chunks compaction replaced is free, but still counted), and
    /// rewritten (VACUUM FULL): what the lines need, and what a running store holds, since its next pushes reuse that
    /// free space. The empty partitions made ahead for other days are a fixed cost, reported apart.
    /// </summary>
    private static async Task ReportStorageAsync(BenchApp app)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        var (lines, chunks) = (0L, 0L);
        await using (var summary = new NpgsqlCommand("SELECT sum(lines)::bigint, count(*) FROM logstore.chunks", connection))
        await using (var reader = await summary.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            (lines, chunks) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        var asWritten = await ChunkFileBytesAsync(connection);
        await using (var vacuum = new NpgsqlCommand("VACUUM FULL logstore.chunks", connection) { CommandTimeout = 0 })
        {
            await vacuum.ExecuteNonQueryAsync();
        }

        var rewritten = await ChunkFileBytesAsync(connection);
        Console.WriteLine(
            $"storage: {lines:N0} lines in {chunks:N0} chunks; files as written {asWritten / 1e6:N1} MB = {(double)asWritten / lines:0.0} bytes per line, " +
            $"without the freed space {rewritten / 1e6:N1} MB = {(double)rewritten / lines:0.0} bytes per line (tables, TOAST and indexes)");
        await using (var parts = new NpgsqlCommand(
            """
            SELECT sum(pg_relation_size(c.oid)), sum(pg_relation_size(c.oid, 'fsm') + pg_relation_size(c.oid, 'vm')),
                   sum(pg_relation_size(c.reltoastrelid)), sum(pg_indexes_size(c.reltoastrelid)), sum(pg_indexes_size(c.oid)),
                   (SELECT sum(pg_column_size(timestamps)) FROM logstore.chunks), (SELECT sum(pg_column_size(entries)) FROM logstore.chunks)
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'logstore.chunks'::regclass AND pg_relation_size(c.oid) > 0
            """, connection))
        await using (var reader = await parts.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            string PerLine(int column) => $"{Convert.ToDouble(reader.GetValue(column), CultureInfo.InvariantCulture) / lines:0.0}";
            Console.WriteLine(
                $"//   bytes per line: rows {PerLine(0)}, free-space and visibility maps {PerLine(1)}, TOAST {PerLine(2)} " +
                $"(of which compressed timestamps {PerLine(5)}, compressed entries {PerLine(6)}), TOAST index {PerLine(3)}, chunk indexes {PerLine(4)}");
        }

        await using (var empty = new NpgsqlCommand(
            """
            SELECT count(*), coalesce(sum(pg_total_relation_size(i.inhrelid)), 0)::bigint
            FROM pg_inherits i WHERE i.inhparent = 'logstore.chunks'::regclass AND pg_relation_size(i.inhrelid) = 0
            """, connection))
        await using (var reader = await empty.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            Console.WriteLine($"//   and {reader.GetInt64(0)} empty partitions for other days: {reader.GetInt64(1) / 1024:N0} KB (their indexes), whatever the lines");
        }
    }

    /// <summary>The files of the chunk partitions that hold lines.</summary>
    private static async Task<long> ChunkFileBytesAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT sum(pg_total_relation_size(i.inhrelid))::bigint FROM pg_inherits i
            WHERE i.inhparent = 'logstore.chunks'::regclass AND pg_relation_size(i.inhrelid) > 0
            """, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task TailAsync(string server)
    {
        await using var app = await BenchApp.StartAsync(server);
        var source = app.App.Services.GetRequiredService<ILogSource>();
        using var stop = new CancellationTokenSource();
        var latencies = new List<double>();
        const int Samples = 1000;
        var received = new TaskCompletionSource();
        var sent = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var reader = Task.Run(async () =>
        {
            await foreach (var batch in source.TailAsync(new TailRequest("{job=\"tail-bench\"}"), stop.Token))
            {
                var now = Stopwatch.GetTimestamp();
                foreach (var entry in batch.Streams.SelectMany(s => s.Entries))
                {
                    if (sent.TryRemove(entry.Line, out var at))
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
                    }
                }

                if (latencies.Count >= Samples)
                {
                    received.TrySetResult();
                }
            }
        });

        await Task.Delay(500);
        using var client = app.CreateClient();
        var labels = LabelSet.From(("job", "tail-bench"));
        for (var i = 0; i < Samples; i++)
        {
            var line = $"tail latency probe {i}";
            var body = PushBodies.Json(labels, [new LogEntry(TimeWindow.Ns(DateTimeOffset.UtcNow), line)]);
            sent[line] = Stopwatch.GetTimestamp();
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await client.PostAsync("push", content);
            response.EnsureSuccessStatusCode();
            await Task.Delay(5);
        }

        await Task.WhenAny(received.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        await stop.CancelAsync();
        try
        {
            await reader;
        }
        catch (OperationCanceledException)
        {
        }

        latencies.Sort();
        Console.WriteLine();
        Console.WriteLine($"Push to in-process tail subscriber, {latencies.Count} lines one push each (ms, from the push request's start):");
        Console.WriteLine($"p50 {latencies[latencies.Count / 2]:0.0}  p99 {latencies[(int)(latencies.Count * 0.99)]:0.0}  max {latencies[^1]:0.0}");
    }

    private static (List<LogEntry> Lines, long Bytes) Lines(int count, int seed)
    {
        var options = new SampleDataOptions
        {
            Start = DateTimeOffset.UtcNow.AddMinutes(-50),
            Duration = TimeSpan.FromMinutes(45),
            BackendLines = count,
            LeanBackendLines = true,
            Seed = seed,
        };
        var lines = SampleDataSet.Generate(options).Where(s => s.Labels["job"] == "tovplay-backend")
            .SelectMany(s => s.Entries).OrderBy(e => e.TimestampNs).Take(count).ToList();
        return (lines, lines.Sum(l => (long)Encoding.UTF8.GetByteCount(l.Line)));
    }
}
