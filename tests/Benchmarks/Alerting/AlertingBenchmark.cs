using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TovPlay.Logs.Benchmarks.Live;
using TovPlay.Logs.Benchmarks.Store;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Alerting;

namespace TovPlay.Logs.Benchmarks.Alerting;

/// <summary>
/// Alerting end to end, the app in its own process:
/// 1. latency: a log line pushed → the rule (1 s interval) fires → the Discord POST arrives (group_wait 0), p50/p99 over
///    200 events, each its own alert;
/// 2. load: 500 LogQL rules on a 10 s interval over a store taking lines all along: how late evaluations start
///    (p50/p99/max lag), how long they take, and the app's CPU.
/// Run: scripts/bench.sh alerting [--events N] [--rules N] [--seconds N].
/// </summary>
public static class AlertingBenchmark
{
    private static readonly ClaimsPrincipal s_bench = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "bench"), new Claim(ClaimTypes.Role, AppRoles.Admin)], "bench"));

    public static async Task<int> RunAsync(string server, string[] options)
    {
        var events = Option(options, "--events", 200);
        var rules = Option(options, "--rules", 500);
        var seconds = Option(options, "--seconds", 60);
        await using var discord = await DiscordSink.StartAsync();
        var hosts = $"--Alerting:WebhookHosts:0={discord.Address.Authority}";
        Console.WriteLine($"// {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:u}; the app in its own process");

        await using (var prepared = await BenchApp.StartAsync(server, hosts))
        {
            await PrepareLatencyAsync(prepared, discord);
            await prepared.App.StopAsync();
            await using var app = await ServerProcess.StartAsync(prepared.ConnectionString, ["--Database:MigrateOnStartup=false", hosts]);
            await LatencyAsync(app, prepared.Token, discord, events);
        }

        await using (var prepared = await BenchApp.StartAsync(server, hosts))
        {
            await PrepareLoadAsync(prepared, rules);
            await prepared.App.StopAsync();
            await using var app = await ServerProcess.StartAsync(prepared.ConnectionString, ["--Database:MigrateOnStartup=false", hosts]);
            await LoadAsync(app, prepared, rules, seconds);
        }

        return 0;
    }

    private static async Task PrepareLatencyAsync(BenchApp app, DiscordSink discord)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        Check(await services.GetRequiredService<ContactPointStore>().SaveAsync(
            new ContactPointForm(null, "bench", discord.WebhookUrl, null, null, [], [], DiscordSettings.DefaultTitle, DiscordSettings.DefaultMessage, true), null, s_bench, default));
        Check(await services.GetRequiredService<NotificationPolicyStore>().SaveAsync(new AlertRoute
        {
            Receiver = "bench", GroupBy = [AlertLabelNames.AlertName, "event"], GroupWait = TimeSpan.Zero, GroupInterval = TimeSpan.FromSeconds(1),
            RepeatInterval = TimeSpan.FromHours(4),
        }, null, s_bench, default));
        Check(await services.GetRequiredService<AlertRuleStore>().SaveAsync(new AlertRule
        {
            Name = "BenchEvent",
            Query = """sum by (event) (count_over_time({job="bench-alert"} |= "boom" [5s]))""",
            Threshold = new AlertThreshold(AlertComparator.Above, 0),
            Interval = TimeSpan.FromSeconds(1),
        }, null, s_bench, default));
    }

    /// <summary>Two events a second, each a line of a stream of its own: a new alert, a new group, a new message.</summary>
    private static async Task LatencyAsync(ServerProcess app, string token, DiscordSink discord, int events)
    {
        using var http = Client(app, token);
        var pushed = new Dictionary<string, DateTimeOffset>();
        var cpuBefore = app.CpuSecondsSinceReady;
        var started = Stopwatch.StartNew();
        for (var i = 0; i < events; i++)
        {
            var name = $"e{i:D4}";
            var at = DateTimeOffset.UtcNow;
            pushed[name] = at;
            var ns = ((at - DateTimeOffset.UnixEpoch).Ticks * 100).ToString(CultureInfo.InvariantCulture);
            var body = $$"""{"streams":[{"stream":{"job":"bench-alert","event":"{{name}}"},"values":[["{{ns}}","boom {{name}}"]]}]}""";
            using var response = await http.PostAsync("loki/api/v1/push", new StringContent(body, Encoding.UTF8, "application/json"));
            response.EnsureSuccessStatusCode();
            await Task.Delay(500);
        }

        var until = DateTimeOffset.UtcNow.AddSeconds(30);
        while (discord.Arrived.Count(a => a.Title.StartsWith("[FIRING", StringComparison.Ordinal)) < events && DateTimeOffset.UtcNow < until)
        {
            await Task.Delay(100);
        }

        var latencies = new List<double>();
        foreach (var (title, at) in discord.Arrived.Where(a => a.Title.StartsWith("[FIRING", StringComparison.Ordinal)))
        {
            var name = pushed.Keys.FirstOrDefault(n => title.Contains(n, StringComparison.Ordinal));
            if (name is not null)
            {
                latencies.Add((at - pushed[name]).TotalMilliseconds);
            }
        }

        latencies.Sort();
        Console.WriteLine($"log line → Discord POST (rule every 1s, group_wait 0): {latencies.Count}/{events} arrived; " +
            $"p50 {Percentile(latencies, 0.5):0} ms, p99 {Percentile(latencies, 0.99):0} ms, max {latencies.LastOrDefault():0} ms; " +
            $"app CPU {app.CpuSecondsSinceReady - cpuBefore:0.0} s over {started.Elapsed.TotalSeconds:0} s");
    }

    private static async Task PrepareLoadAsync(BenchApp app, int rules)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<AlertRuleStore>();
        for (var i = 0; i < rules; i++)
        {
            Check(await store.SaveAsync(new AlertRule
            {
                Name = $"Load{i:D3}",
                Query = $$"""sum by (level) (count_over_time({job="bench-load", shard="{{i % 10}}"} |= "request" [1m]))""",
                Threshold = new AlertThreshold(AlertComparator.Above, 1_000_000),
                Interval = TimeSpan.FromSeconds(10),
            }, null, s_bench, default));
        }
    }

    /// <summary>Lines keep arriving (200 a second over 10 streams) while the rules run; each evaluation's lag is read from the rules' health.</summary>
    private static async Task LoadAsync(ServerProcess app, BenchApp prepared, int rules, int seconds)
    {
        using var http = Client(app, prepared.Token);
        using var stop = new CancellationTokenSource();
        var pushing = PushLoadAsync(http, stop.Token);

        // Every rule evaluates once at start (a new rule runs at once), then on its slot: measure after the first round.
        await Task.Delay(TimeSpan.FromSeconds(15));
        var lags = new List<double>();
        var durations = new List<double>();
        var seen = new Dictionary<Guid, DateTimeOffset>();
        var cpuBefore = app.CpuSecondsSinceReady;
        var watch = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(prepared.ConnectionString);
        await connection.OpenAsync();
        while (watch.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            await using var command = new NpgsqlCommand("SELECT rule_id, last_evaluated_at, last_lag_ms, last_duration_ms FROM alert_rule_health", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var id = reader.GetGuid(0);
                var at = reader.GetFieldValue<DateTimeOffset>(1);
                if (seen.TryGetValue(id, out var last) && last == at)
                {
                    continue;
                }

                if (seen.ContainsKey(id))
                {
                    lags.Add(reader.GetDouble(2));
                    durations.Add(reader.GetDouble(3));
                }

                seen[id] = at;
            }

            await Task.Delay(500);
        }

        var cpu = app.CpuSecondsSinceReady - cpuBefore;
        var elapsed = watch.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await pushing;
        lags.Sort();
        durations.Sort();
        Console.WriteLine($"{rules} rules every 10s over {elapsed:0} s: {lags.Count} evaluations seen ({lags.Count / elapsed:0.0}/s, expected {rules / 10.0:0.0}/s); " +
            $"lag p50 {Percentile(lags, 0.5):0} ms, p99 {Percentile(lags, 0.99):0} ms, max {lags.LastOrDefault():0} ms; " +
            $"evaluation p50 {Percentile(durations, 0.5):0.0} ms, p99 {Percentile(durations, 0.99):0.0} ms; " +
            $"app CPU {cpu:0.0} s = {100 * cpu / elapsed:0}% of one core ({100 * cpu / elapsed / Environment.ProcessorCount:0}% of {Environment.ProcessorCount}); peak RSS {app.PeakRssBytes / 1024 / 1024} MB");
    }

    private static async Task PushLoadAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var n = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var ns = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
            var streams = string.Join(",", Enumerable.Range(0, 10).Select(s =>
                $$"""{"stream":{"job":"bench-load","shard":"{{s}}","level":"{{(s % 3 == 0 ? "error" : "info")}}"},"values":[{{string.Join(",", Enumerable.Range(0, 20).Select(k => $"[\"{ns + k}\",\"request {n++} GET /api/games 200\"]"))}}]}"""));
            try
            {
                using var response = await http.PostAsync("loki/api/v1/push", new StringContent($$"""{"streams":[{{streams}}]}""", Encoding.UTF8, "application/json"), cancellationToken);
                await Task.Delay(1000, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static HttpClient Client(ServerProcess app, string token)
    {
        var http = new HttpClient { BaseAddress = app.Address };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static void Check(SaveResult result)
    {
        if (!result.Saved)
        {
            throw new InvalidOperationException(string.Join("; ", result.Problems.Select(p => $"{p.Field}: {p.Message}")));
        }
    }

    private static double Percentile(List<double> sorted, double fraction) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(sorted.Count * fraction) - 1, 0, sorted.Count - 1)];

    private static int Option(string[] options, string name, int fallback)
    {
        var index = Array.IndexOf(options, name);
        return index >= 0 && index + 1 < options.Length && int.TryParse(options[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}
