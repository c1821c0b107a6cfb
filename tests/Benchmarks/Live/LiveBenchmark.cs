using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using TovPlay.Logs.Benchmarks.Store;
using TovPlay.Logs.Web.Tail;

namespace TovPlay.Logs.Benchmarks.Live;

/// <summary>
/// Live tail end to end: the app in its own process, N SignalR clients tailing one query through /logs/hubs/tail,
/// lines pushed through the push API at a steady rate. Reports push-to-client latency, what each client got and
/// was told it lost (every pushed line must be one or the other), and the app's CPU and peak memory.
/// Run: scripts/bench.sh live [--seconds N] [--clients 1,20,100] [--rates 500,2000,10000].
/// </summary>
public static class LiveBenchmark
{
    private const long MaxPushLines = 5_000;

    public static async Task<int> RunAsync(string server, string[] args)
    {
        var seconds = Option(args, "--seconds", [60])[0];
        var clientCounts = Option(args, "--clients", [1, 20, 100]);
        var rates = Option(args, "--rates", [500, 2000, 10000]);
        Console.WriteLine($"// {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:u}; {seconds} s per cell, lines of ~300 bytes");
        Console.WriteLine("Live tail through /logs/hubs/tail while pushing through /logs/loki/api/v1/push (latency from push to client, ms)");
        Console.WriteLine("(after 5 s of warm-up load per cell; pushed counts the warm-up too, and every pushed line must be delivered or reported dropped)");
        Console.WriteLine($"{"clients",7} {"lines/s",8} {"pushed",9} {"p50",7} {"p95",7} {"p99",7} {"delivered/client",20} {"dropped/client",16} {"unaccounted",11} {"app CPU",8} {"peak RSS",9}");

        var cell = 0;
        foreach (var clients in clientCounts)
        {
            foreach (var rate in rates)
            {
                // A database per cell: the app loads recent lines into its head at start, and earlier cells' lines
                // would count in this cell's memory. The in-process app only prepares the database and the key.
                await using var prepared = await BenchApp.StartAsync(server);
                await prepared.App.StopAsync();
                await RunCellAsync(prepared, clients, rate, seconds, ++cell);
            }
        }

        return 0;
    }

    private static async Task RunCellAsync(BenchApp prepared, int clientCount, int rate, int seconds, int cell)
    {
        // One key drives every client here: the per-caller tail limit is for strangers, not for this measurement.
        await using var app = await ServerProcess.StartAsync(prepared.ConnectionString, ["--Database:MigrateOnStartup=false", "--Tail:MaxTailsPerCaller=100000"]);
        var query = $"{{job=\"live-bench\", cell=\"{cell}\"}}";
        var histogram = new LatencyHistogram();
        var clients = new List<Client>();
        using var stop = new CancellationTokenSource();
        try
        {
            for (var i = 0; i < clientCount; i++)
            {
                clients.Add(await Client.StartAsync(app.Address, prepared.Token, query, histogram, stop.Token));
            }

            await Task.WhenAll(clients.Select(c => c.Live));
            // A fresh process compiles its code on first use: five seconds of load first, not counted in the latencies.
            var pushed = await PushAsync(app.Address, prepared.Token, cell, rate, TimeSpan.FromSeconds(5), 0);
            await Task.Delay(500);
            histogram.Reset();
            var cpuBefore = app.CpuSecondsSinceReady;
            var clock = Stopwatch.StartNew();
            pushed = await PushAsync(app.Address, prepared.Token, cell, rate, TimeSpan.FromSeconds(seconds), pushed);
            var pushSeconds = clock.Elapsed.TotalSeconds;
            var cpu = (app.CpuSecondsSinceReady - cpuBefore) / pushSeconds;

            // Lines still on their way are given ten seconds to arrive or be reported lost.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (clients.Any(c => c.Accounted < pushed) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            var unaccounted = clients.Count(c => c.Accounted != pushed);
            Console.WriteLine(
                $"{clientCount,7} {rate,8:N0} {pushed,9:N0} {histogram.Percentile(0.50),7:0.0} {histogram.Percentile(0.95),7:0.0} {histogram.Percentile(0.99),7:0.0} "
                + $"{Range(clients.Select(c => c.Delivered)),20} {Range(clients.Select(c => c.Dropped)),16} {unaccounted,11} {cpu * 100,7:0}% {app.PeakRssBytes / 1024.0 / 1024.0,7:0} MB");
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>Pushes lines stamped with their send time, in batches every 10 ms, keeping to the rate overall.</summary>
    /// <returns>Lines pushed so far, <paramref name="before"/> included.</returns>
    private static async Task<long> PushAsync(Uri address, string token, int cell, int rate, TimeSpan duration, long before)
    {
        using var http = new HttpClient { BaseAddress = new Uri(address, "loki/api/v1/") };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var padding = new string('x', 220);
        long sent = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            // A pusher that fell behind catches up in pushes of a bounded size (the API refuses bodies over 16 MiB).
            var due = Math.Min(MaxPushLines, (long)(rate * clock.Elapsed.TotalSeconds) - sent);
            var seq = before + sent;
            if (due <= 0)
            {
                await Task.Delay(5);
                continue;
            }

            var now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
            var body = new StringBuilder($"{{\"streams\":[{{\"stream\":{{\"job\":\"live-bench\",\"cell\":\"{cell}\"}},\"values\":[");
            for (var i = 0; i < due; i++)
            {
                body.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"[\"{now + i}\",\"seq={seq + i} level=info msg=\\\"request served\\\" pad={padding}\"]");
            }

            body.Append("]}]}");
            using var content = new StringContent(body.ToString(), Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("push", content);
            if (response.StatusCode != HttpStatusCode.NoContent)
            {
                throw new InvalidOperationException($"push answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            sent += due;
        }

        return before + sent;
    }

    private static string Range(IEnumerable<long> values)
    {
        var list = values.ToList();
        return list.Min() == list.Max() ? list.Min().ToString("N0", CultureInfo.InvariantCulture) : $"{list.Min():N0}-{list.Max():N0}";
    }

    private static int[] Option(string[] args, string name, int[] fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length
            ? [.. args[at + 1].Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))]
            : fallback;
    }

    /// <summary>One SignalR client tailing the query, counting what it gets and what it is told it lost.</summary>
    private sealed class Client : IAsyncDisposable
    {
        private readonly HubConnection _connection;
        private readonly TaskCompletionSource _live = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _delivered;
        private long _dropped;

        private Client(HubConnection connection) => _connection = connection;

        public Task Live => _live.Task;

        public long Delivered => Interlocked.Read(ref _delivered);

        public long Dropped => Interlocked.Read(ref _dropped);

        public long Accounted => Delivered + Dropped;

        public static async Task<Client> StartAsync(Uri address, string token, string query, LatencyHistogram histogram, CancellationToken stop)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(address, "hubs/tail"), o => o.Headers["Authorization"] = $"Bearer {token}")
                .Build();
            await connection.StartAsync(stop);
            var client = new Client(connection);
            _ = client.ReadAsync(connection.StreamAsync<TailMessage>("Tail", query, stop), histogram);
            return client;
        }

        private async Task ReadAsync(IAsyncEnumerable<TailMessage> stream, LatencyHistogram histogram)
        {
            try
            {
                await foreach (var message in stream)
                {
                    if (message.State == nameof(TailConnectionState.Live))
                    {
                        _live.TrySetResult();
                    }

                    var now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
                    foreach (var line in message.Lines)
                    {
                        histogram.Add((now - long.Parse(line.Ts, CultureInfo.InvariantCulture)) / 1e6);
                    }

                    Interlocked.Add(ref _delivered, message.Lines.Count);
                    Interlocked.Add(ref _dropped, message.DroppedSlow + message.DroppedUpstream);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception ex)
            {
                _live.TrySetException(ex);
            }
        }

        public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
    }
}
