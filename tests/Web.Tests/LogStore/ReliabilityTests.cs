using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Npgsql;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.LogStore;

/// <summary>What a pusher can rely on when the app or its database fails.</summary>
public sealed class ReliabilityTests(WebAppFixture fixture)
{
    private static Dictionary<string, string> Labels(string run) => new() { ["job"] = "reliability", ["run"] = run };

    [Fact]
    public async Task AppKilledDuringPushes_EveryAcknowledgedLineIsStored()
    {
        var token = await fixture.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue);
        var run = Guid.NewGuid().ToString("N")[..12];
        var port = LoopbackServer.FreePort();
        var acknowledged = new ConcurrentBag<string>();

        using (var child = StartAppProcess(port))
        {
            await WaitReadyAsync(port, child);
            using var stop = new CancellationTokenSource();
            var pushers = Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/logs/loki/api/v1/") };
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var lines = Enumerable.Range(0, 50).Select(i => (LokiPushClient.NowNs + i, $"pusher {p} push {n} line {i}")).ToArray();
                    try
                    {
                        using var response = await http.PostAsync("push", new StringContent(LokiPushClient.PushBody(Labels(run), lines), System.Text.Encoding.UTF8, "application/json"));
                        if (response.StatusCode == HttpStatusCode.NoContent)
                        {
                            foreach (var (_, line) in lines)
                            {
                                acknowledged.Add(line);
                            }
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // the app is gone
                    }
                }
            })).ToList();

            // Killed in the middle of the stream: once pushes are being acknowledged (a loaded machine may take a
            // while to answer the first), and with more on the way.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (acknowledged.Count < 500 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
            child.Process.Kill(entireProcessTree: true);
            await child.Process.WaitForExitAsync(TestContext.Current.CancellationToken);
            await stop.CancelAsync();
            await Task.WhenAll(pushers);
        }

        // Restarted, the app serves every line it acknowledged before it died.
        using var restarted = StartAppProcess(port);
        try
        {
            await WaitReadyAsync(port, restarted);
            var stored = (await StoredLines.OfRunAsync(fixture.Database, run)).ToHashSet();
            using var http = new HttpClient();
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var query = LokiPushClient.Q($"sum(count_over_time({{run=\"{run}\"}}[1h]))");
            var counted = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/logs/loki/api/v1/query?query={query}", TestContext.Current.CancellationToken)).RootElement;

            Assert.True(acknowledged.Count > 500, $"only {acknowledged.Count} lines were acknowledged before the kill");
            Assert.Empty(acknowledged.Except(stored));
            Assert.True(double.Parse(counted.GetProperty("data").GetProperty("result")[0].GetProperty("value")[1].GetString()!) >= acknowledged.Count);
        }
        finally
        {
            restarted.Process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task DatabaseDown_PushIs503WithRetryAfter_AndIngestionResumesByItself()
    {
        var direct = new NpgsqlConnectionStringBuilder(fixture.Database.ConnectionString);
        await using var proxy = TcpProxy.Start(direct.Host!, direct.Port);
        var proxied = new NpgsqlConnectionStringBuilder(fixture.Database.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3 };
        await using var app = new TestApp(proxied.ConnectionString);
        using var client = new LokiPushClient(app, await fixture.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue));
        var run = Guid.NewGuid().ToString("N")[..12];
        await client.PushAsync(Labels(run), (LokiPushClient.NowNs, "before the outage"));

        await proxy.CutAsync();
        using var during = await client.PushJsonAsync(LokiPushClient.PushBody(Labels(run), (LokiPushClient.NowNs, "during the outage")));
        var duringText = await during.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        proxy.Restore();

        var resumed = await PushUntilAcceptedAsync(client, run, "after the outage");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), during.Headers.RetryAfter?.Delta);
        Assert.Equal("the log store database is unavailable\n", duringText);
        Assert.True(resumed, "ingestion did not resume after the database came back");
        var stored = (await StoredLines.OfRunAsync(fixture.Database, run)).ToHashSet();
        Assert.Contains("before the outage", stored);
        Assert.Contains("after the outage", stored);
        Assert.DoesNotContain("during the outage", stored);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task PostgresRestart_PushIs503WhileDown_AndIngestionResumesByItself()
    {
        await using var cluster = await PrivateCluster.StartAsync();
        await using var app = new TestApp(cluster.ConnectionString);
        var token = await app.CreateApiKeyAsync(ingestionRateBytes: int.MaxValue);
        using var client = new LokiPushClient(app, token);
        var run = Guid.NewGuid().ToString("N")[..12];
        await client.PushAsync(Labels(run), (LokiPushClient.NowNs, "before the restart"));

        await cluster.StopClusterAsync();
        using var down = await client.PushJsonAsync(LokiPushClient.PushBody(Labels(run), (LokiPushClient.NowNs, "while down")));
        var downText = await down.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        await cluster.StartClusterAsync();
        var resumed = await PushUntilAcceptedAsync(client, run, "after the restart");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.NotNull(down.Headers.RetryAfter);
        Assert.Equal("the log store database is unavailable\n", downText);
        Assert.True(resumed, "ingestion did not resume after PostgreSQL came back");
        var json = await client.GetJsonAsync($"query_range?query={LokiPushClient.Q($"{{run=\"{run}\"}}")}&limit=10");
        var lines = json.GetProperty("data").GetProperty("result").EnumerateArray().SelectMany(s => s.GetProperty("values").EnumerateArray()).Select(v => v[1].GetString()).ToList();
        Assert.Contains("before the restart", lines);
        Assert.Contains("after the restart", lines);
        Assert.DoesNotContain("while down", lines);
    }

    /// <summary>Pushes one line until the app accepts it again (up to 10 s); false if it never does.</summary>
    private static async Task<bool> PushUntilAcceptedAsync(LokiPushClient client, string run, string line)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            using var response = await client.PushJsonAsync(LokiPushClient.PushBody(Labels(run), (LokiPushClient.NowNs, line)));
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return true;
            }

            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        return false;
    }

    /// <summary>The app as its own process (so it can be killed outright), on the fixture's database.</summary>
    private AppProcess StartAppProcess(int port)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "TovPlay.Logs.Web.dll");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [dll, "--contentRoot", AppContext.BaseDirectory])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["ConnectionStrings__AppDb"] = fixture.Database.ConnectionString;
        info.Environment["Database__MigrateOnStartup"] = "false";
        info.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        var process = Process.Start(info) ?? throw new InvalidOperationException("the app did not start");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Keep(string? line)
        {
            if (line is not null)
            {
                output.Enqueue(line);
                while (output.Count > 40 && output.TryDequeue(out _))
                {
                }
            }
        }

        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AppProcess(process, output);
    }

    /// <summary>The app's process and the last lines it wrote, to explain a start that failed.</summary>
    private sealed record AppProcess(Process Process, System.Collections.Concurrent.ConcurrentQueue<string> Output) : IDisposable
    {
        public void Dispose() => Process.Dispose();
    }

    /// <summary>Waits up to 90 s: on a loaded 2-core machine a cold start of the app can take tens of seconds.</summary>
    private static async Task WaitReadyAsync(int port, AppProcess app)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (app.Process.HasExited)
            {
                throw new InvalidOperationException($"the app on port {port} exited with {app.Process.ExitCode}:\n{string.Join('\n', app.Output)}");
            }

            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{port}/logs/loki/ready", TestContext.Current.CancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"the app on port {port} did not become ready in 90 s; its last lines:\n{string.Join('\n', app.Output)}");
    }

}
