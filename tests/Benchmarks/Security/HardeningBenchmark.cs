using System.Diagnostics;
using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Benchmarks.Live;
using TovPlay.Logs.Benchmarks.Store;
using TovPlay.Logs.Web.ApiKeys;
using TovPlay.Logs.Web.Tail;

namespace TovPlay.Logs.Benchmarks.Security;

/// <summary>
/// The attacks that once ended or exhausted the app, played against it in its own process with its default limits:
/// queries nested 20,000 deep, regexes that backtrack exponentially (queries and a live tail), pushes creating
/// 100,000 streams and keys filling their stream limits, and NUL bytes pushed beside good clients. Prints what each
/// got back, and the app's peak resident memory and CPU time over the whole run.
/// Run: scripts/bench.sh hardening.
/// </summary>
public static class HardeningBenchmark
{
    /// <summary>Keys that fill their stream limits; the NUL round uses eight others, whose limits are untouched.</summary>
    private const int Keys = 10;

    public static async Task<int> RunAsync(string server)
    {
        await using var prepared = await BenchApp.StartAsync(server);
        var keys = await CreateKeysAsync(prepared);
        await CreateAccountsAsync(prepared);
        await prepared.App.StopAsync();
        await using var app = await ServerProcess.StartAsync(prepared.ConnectionString, ["--Database:MigrateOnStartup=false"]);
        Console.WriteLine($"// {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:u}; the app in its own process, default limits");
        Console.WriteLine($"ready: peak RSS {Mb(app.PeakRssBytes)}, CPU {app.CpuSecondsSinceReady:0.0} s");

        await NestedQueriesAsync(app, keys[0]);
        await CatastrophicRegexAsync(app, keys[0]);
        await StreamFloodAsync(app, keys[..Keys]);
        await NulBesideGoodClientsAsync(app, keys[Keys..]);
        await SignInTimingAsync(app);

        Console.WriteLine($"after all attacks: app alive, peak RSS {Mb(app.PeakRssBytes)}, CPU {app.CpuSecondsSinceReady:0.0} s since ready");
        return 0;
    }

    private static async Task<string[]> CreateKeysAsync(BenchApp prepared)
    {
        await using var scope = prepared.App.Services.CreateAsyncScope();
        var administration = scope.ServiceProvider.GetRequiredService<ApiKeyAdministration>();
        var bench = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "bench")], "bench"));
        var keys = new string[Keys + 8];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = (await administration.CreateAsync(bench, $"attacker-{i}", true, true, null, CancellationToken.None)).Token;
        }

        return keys;
    }

    private const string Known = "known@bench.tovplay.org";
    private const string Locked = "locked@bench.tovplay.org";
    private const string Password = "Bench-Account-Passw0rd";

    private static async Task CreateAccountsAsync(BenchApp prepared)
    {
        await using var scope = prepared.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<TovPlay.Logs.Web.Security.UserAdministration>();
        var bench = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "bench")], "bench"));
        await users.CreateAsync(bench, Known, TovPlay.Logs.Domain.Security.AppRoles.Viewer, Password);
        await users.CreateAsync(bench, Locked, TovPlay.Logs.Domain.Security.AppRoles.Admin, Password);
        var locked = await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<TovPlay.Logs.Web.Data.AppUser>>().FindByEmailAsync(Locked);
        await users.SetLockedAsync(bench, locked!.Id, true);
    }

    /// <summary>Sign-in answers for an unknown account, a wrong password and a locked account: same text, similar time.</summary>
    private static async Task SignInTimingAsync(ServerProcess app)
    {
        Console.WriteLine("5. sign-in with a wrong password, 40 times each from fresh addresses (median and p90, ms; the answer's text):");
        var address = 0;
        foreach (var (what, email) in new[] { ("unknown account", "nobody@bench.tovplay.org"), ("known account", Known), ("locked account", Locked) })
        {
            var times = new List<double>();
            var texts = new HashSet<string>();
            for (var i = 0; i < 40; i++)
            {
                using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
                using var browser = new HttpClient(handler) { BaseAddress = app.Address };
                browser.DefaultRequestHeaders.Add("X-Forwarded-For", $"198.18.{++address / 250}.{address % 250 + 1}");
                var form = await browser.GetStringAsync("account/login");
                var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
                using var content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["_handler"] = "login",
                    ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
                    ["Input.Email"] = email,
                    ["Input.Password"] = "Wrong-Passw0rd-123",
                });
                var clock = Stopwatch.StartNew();
                using var response = await browser.PostAsync("account/login", content);
                var html = await response.Content.ReadAsStringAsync();
                clock.Stop();
                if (i >= 5)
                {
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }

                var said = System.Text.RegularExpressions.Regex.Match(html, "data-testid=\"login-error\"[^>]*>(?:<[^>]+>)*([^<]+)");
                texts.Add(said.Success ? said.Groups[1].Value.Trim() : $"(no message: {(int)response.StatusCode})");
            }

            times.Sort();
            Console.WriteLine($"   {what,-16} median {times[times.Count / 2],6:0.0}  p90 {times[times.Count * 9 / 10],6:0.0}  \"{string.Join("\" / \"", texts)}\"");
        }
    }

    private static HttpClient Client(ServerProcess app, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.Address, "loki/api/v1/"), Timeout = TimeSpan.FromMinutes(3) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task NestedQueriesAsync(ServerProcess app, string token)
    {
        using var client = Client(app, token);
        var query = new string('(', 20_000) + "count_over_time({job=\"x\"}[1m])" + new string(')', 20_000);
        var clock = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["query"] = query });
            using var response = await client.PostAsync("query_range", form);
            return (int)response.StatusCode;
        }));
        Report("1. 200 queries nested 20,000 deep", clock, statuses, app);
    }

    private static async Task CatastrophicRegexAsync(ServerProcess app, string token)
    {
        using var client = Client(app, token);
        var now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        var evil = new string('a', 5_000) + "!";
        var values = string.Join(",", Enumerable.Range(0, 1_000).Select(i => $"[\"{now - 1_000_000_000L + i}\",\"{evil}\"]"));
        using (var push = await client.PostAsync("push", new StringContent($$"""{"streams":[{"stream":{"job":"regex-bench","name":"{{evil[..2_000]}}!"},"values":[{{values}}]}]}""", Encoding.UTF8, "application/json")))
        {
            push.EnsureSuccessStatusCode();
        }

        // A live tail with the same filter runs while the queries do, and is left open until they end.
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Address, "hubs/tail"), o => o.Headers["Authorization"] = $"Bearer {token}")
            .Build();
        await hub.StartAsync();
        using var stopTail = new CancellationTokenSource();
        var tail = Task.Run(async () =>
        {
            try
            {
                await foreach (var _ in hub.StreamAsync<TailMessage>("Tail", "{job=\"regex-bench\"} |~ \"(a+)+$\"", stopTail.Token))
                {
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        string[] queries = ["{job=\"regex-bench\"} |~ \"(a+)+$\"", "{job=\"regex-bench\", name=~\"(a+)+\"}", "{job=\"regex-bench\"} | regexp \"^(?P<x>(a|aa)+)$\""];
        var clock = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            var query = Uri.EscapeDataString(queries[i % queries.Length]);
            using var response = await client.GetAsync($"query_range?query={query}&limit=1000&start={now - 60_000_000_000L}&end={now + 60_000_000_000L}");
            return (int)response.StatusCode;
        }));
        await stopTail.CancelAsync();
        await tail;
        Report("2. 24 regex queries over 1,000 lines of 5,001 characters, 8 at a time per pattern, beside a live tail", clock, statuses, app);
    }

    private static async Task StreamFloodAsync(ServerProcess app, string[] keys)
    {
        var now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        var clock = Stopwatch.StartNew();
        var statuses = new List<int>();
        for (var k = 0; k < 3; k++)
        {
            using var client = Client(app, keys[k]);
            var body = new StringBuilder("{\"streams\":[");
            for (var i = 0; i < 100_000; i++)
            {
                body.Append(i == 0 ? "" : ",").Append("{\"stream\":{\"job\":\"flood\",\"k\":\"").Append(k).Append("\",\"i\":\"").Append(i)
                    .Append("\"},\"values\":[[\"").Append(now).Append("\",\"x\"]]}");
            }

            using var response = await client.PostAsync("push", new StringContent(body.Append("]}").ToString(), Encoding.UTF8, "application/json"));
            statuses.Add((int)response.StatusCode);
        }

        Report("3a. 3 pushes of 100,000 new streams each (8.6 MB)", clock, [.. statuses], app);

        // Every key creates streams up to its limit, in pushes of 500, and one more.
        clock.Restart();
        statuses.Clear();
        await Task.WhenAll(keys.Select(async (key, k) =>
        {
            using var client = Client(app, key);
            for (var batch = 0; batch <= 10; batch++)
            {
                var body = new StringBuilder("{\"streams\":[");
                for (var i = 0; i < 500; i++)
                {
                    body.Append(i == 0 ? "" : ",").Append("{\"stream\":{\"job\":\"filled\",\"k\":\"").Append(k).Append("\",\"i\":\"").Append(batch * 500 + i)
                        .Append("\"},\"values\":[[\"").Append(now + i).Append("\",\"line of stream ").Append(i).Append("\"]]}");
                }

                using var response = await client.PostAsync("push", new StringContent(body.Append("]}").ToString(), Encoding.UTF8, "application/json"));
                lock (statuses)
                {
                    statuses.Add((int)response.StatusCode);
                }
            }
        }));
        Report($"3b. {Keys} keys each pushing 5,500 new streams in pushes of 500", clock, [.. statuses], app);
    }

    private static async Task NulBesideGoodClientsAsync(ServerProcess app, string[] keys)
    {
        var until = DateTime.UtcNow.AddSeconds(15);
        var good = new List<int>();
        var bad = new List<int>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async c =>
        {
            using var client = Client(app, keys[c]);
            var results = c < 4 ? good : bad;
            for (var n = 0; DateTime.UtcNow < until; n++)
            {
                var ts = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
                var line = c < 4 ? $"good line {n}" : "bad\\u0000line";
                var body = $$"""{"streams":[{"stream":{"job":"nul-bench","c":"{{c}}"},"values":[["{{ts}}","{{line}}"]]}]}""";
                using var response = await client.PostAsync("push", new StringContent(body, Encoding.UTF8, "application/json"));
                lock (results)
                {
                    results.Add((int)response.StatusCode);
                }
            }
        }));
        Report("4a. good pushes (4 clients, 15 s) beside NUL pushes", clock, [.. good], app);
        Report("4b. NUL pushes (4 clients, 15 s)", clock, [.. bad], app);
    }

    private static void Report(string what, Stopwatch clock, int[] statuses, ServerProcess app)
    {
        var answers = string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Count()} × {g.Key}"));
        Console.WriteLine($"{what}: {answers}; {clock.Elapsed.TotalSeconds:0.00} s; app peak RSS {Mb(app.PeakRssBytes)}, CPU {app.CpuSecondsSinceReady:0.0} s since ready");
    }

    private static string Mb(long bytes) => $"{bytes / 1024.0 / 1024.0:0} MB";
}
