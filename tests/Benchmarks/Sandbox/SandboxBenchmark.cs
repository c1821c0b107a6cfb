using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TovPlay.Logs.Benchmarks.Store;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Sandbox;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Sandbox;

namespace TovPlay.Logs.Benchmarks.Sandbox;

/// <summary>
/// How long a first start takes to show a full hour of the sandbox's history: from starting the app (a new app database,
/// a new sandbox database) until the backfilled hour is in the store and the traffic is live, at the default rate.
/// Each round checks that the oldest line is an hour old and counts the lines. <c>scripts/bench.sh sandbox</c>.
/// </summary>
public static class SandboxBenchmark
{
    private const int Rounds = 3;

    public static async Task<int> RunAsync(string server)
    {
        Console.WriteLine($"// {Environment.ProcessorCount} cores; {Rounds} first starts, each with new databases, at the default rate of {new SandboxOptions().RequestsPerMinute} requests a minute");
        Console.WriteLine($"{"round",5} {"start to live (s)",18} {"app start (s)",14} {"sandbox (s)",12} {"history lines",14} {"oldest line",12}");
        var totals = new List<double>();
        for (var round = 1; round <= Rounds; round++)
        {
            var database = $"sandbox_bench_{Guid.NewGuid():N}"[..30];
            var roles = new SandboxRoles("_sb" + round.ToString(CultureInfo.InvariantCulture));
            var clock = Stopwatch.StartNew();
            try
            {
                await using var app = await BenchApp.StartAsync(server,
                    "--Sandbox:Enabled=true", $"--Sandbox:Database={database}", $"--Sandbox:RoleSuffix={roles.Suffix}", $"--Audit:OwnerRole=audit_owner{roles.Suffix}");
                var state = app.App.Services.GetRequiredService<SandboxState>();
                while (state.Phase != SandboxPhase.Live)
                {
                    if (state.Phase == SandboxPhase.Failed)
                    {
                        Console.Error.WriteLine("The sandbox failed: " + state.Reason);
                        return 1;
                    }

                    await Task.Delay(20);
                }

                var live = clock.Elapsed.TotalSeconds;
                // The sandbox's part: its database made and audited, then the hour written; the rest is the app's own start (migrations...).
                var sandbox = (state.HistoryReadyAt - state.StartedAt)!.Value.TotalSeconds;
                var (lines, oldest) = await HistoryAsync(app.App.Services.GetRequiredService<ILogSource>());
                totals.Add(live);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{round,5} {live,18:0.00} {live - sandbox,14:0.00} {sandbox,12:0.00} {lines,14:N0} {(DateTimeOffset.UtcNow - oldest).TotalMinutes,9:0.0} min"));
            }
            finally
            {
                NpgsqlConnection.ClearAllPools();
                await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString);
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE); "
                    + string.Concat(roles.LoginRoles.Append(roles.Owner).Append("audit_owner" + roles.Suffix).Select(r => $"DROP ROLE IF EXISTS {r};")), admin);
                await drop.ExecuteNonQueryAsync();
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"start to a full hour of history: median {totals.Order().ElementAt(totals.Count / 2):0.00} s, max {totals.Max():0.00} s"));
        return 0;
    }

    /// <summary>The sandbox's lines of the last hour and a minute: how many, and the oldest.</summary>
    private static async Task<(long Lines, DateTimeOffset Oldest)> HistoryAsync(ILogSource logs)
    {
        var now = DateTimeOffset.UtcNow;
        var count = await logs.QueryInstantAsync(new InstantQueryRequest($"sum(count_over_time({{env=\"{SandboxLine.Env}\"}}[61m]))", TimeWindow.Ns(now)), CancellationToken.None);
        var oldest = await logs.QueryRangeAsync(new RangeQueryRequest($"{{env=\"{SandboxLine.Env}\"}}", TimeWindow.Ns(now.AddMinutes(-61)), TimeWindow.Ns(now))
        {
            Limit = 1,
            Direction = Direction.Forward,
        }, CancellationToken.None);
        var first = oldest.Streams.SelectMany(s => s.Entries).Min(e => e.TimestampNs);
        return ((long)count.Series.Sum(s => s.Points.Sum(p => p.Value)), DateTimeOffset.UnixEpoch.AddTicks(first / 100));
    }
}
