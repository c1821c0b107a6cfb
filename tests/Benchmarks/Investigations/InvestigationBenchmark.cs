using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TovPlay.Logs.Benchmarks.Store;
using TovPlay.Logs.Domain.Sandbox;
using TovPlay.Logs.Domain.Sandbox.Incidents;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.Logs.Samples;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.Sandbox;
using TovPlay.Logs.Web.Investigations;

namespace TovPlay.Logs.Benchmarks.Investigations;

/// <summary>
/// How fast the wizard answers on a busy system: an audited database whose trail holds 2,000,000 statements over the
/// last two days, 1,000,000 backend lines in the last hour, and the sandbox's incidents played on top (a wipe through
/// the API, an account takeover, a slow endpoint, an error burst) over its live traffic. Each step is timed as the wizard runs it, in process,
/// against the real app: WHEN (the activity and the proposed window) and the answer (WHAT, WHO, WHY/HOW, PREVENT),
/// plus the WHAT step's removed rows. Targets: every step at most 2 s, the wiped-table answer at most 3 s.
/// <c>scripts/bench.sh investigate</c>.
/// </summary>
public static class InvestigationBenchmark
{
    private const int AuditStatements = 2_000_000;
    private const int LogLines = 1_000_000;
    private const int Runs = 5;

    public static async Task<int> RunAsync(string server)
    {
        var database = $"investigate_bench_{Guid.NewGuid():N}"[..36];
        var roles = new SandboxRoles("_bench");
        try
        {
            // The sandbox makes the audited database (schema, roles, trail) and plays its traffic; the history is loaded below.
            await using var app = await BenchApp.StartAsync(server,
                "--Sandbox:Enabled=true", $"--Sandbox:Database={database}", $"--Sandbox:RoleSuffix={roles.Suffix}", "--Sandbox:History=00:00:00",
                "--Audit:ShipToLogStore=false", "--Audit:OwnerRole=audit_owner_bench");
            var state = app.App.Services.GetRequiredService<SandboxState>();
            while (!state.Ready)
            {
                await Task.Delay(100);
            }

            var audited = app.App.Services.GetRequiredService<SandboxConnections>().SuperuserConnection;
            await LoadHistoryAsync(audited);
            Console.WriteLine($"// {Environment.ProcessorCount} cores; {AuditStatements:N0} audited statements over 48 h, {LogLines:N0} backend lines in the last hour");
            var player = app.App.Services.GetRequiredService<IncidentPlayer>();
            var bench = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "bench")], "bench"));
            foreach (var slug in new[]
            {
                AccountIncidents.TakeoverSlug, AccountIncidents.HijackSlug, ServiceIncidents.SlowDeploySlug, ServiceIncidents.ErrorBurstSlug, DatabaseIncidents.ApiMassDeleteSlug,
                DatabaseIncidents.UpdateWithoutWhereSlug, DatabaseIncidents.RefusedDeleteSlug, DatabaseIncidents.AccountDeletedSlug,
            })
            {
                await player.PlayAsync(slug, bench, CancellationToken.None);
            }

            // After the incidents: a stream takes no line an hour older than its newest (Loki's rule), and these lines span the last hour.
            await LoadLinesAsync(app);

            Console.WriteLine($"{"step",-44} {"median",8} {"max",8}  target");
            var services = app.App.Services;
            var now = DateTimeOffset.UtcNow.AddMinutes(1);
            await StepsAsync(services, ScenarioKind.Wipe, "games", now.AddHours(-24), now, answerTarget: 3000);
            await StepsAsync(services, ScenarioKind.Wipe, "users", now.AddHours(-24), now, answerTarget: 3000);
            await StepsAsync(services, ScenarioKind.SuspiciousAccount, "nico", now.AddHours(-2), now, answerTarget: 2000);
            await StepsAsync(services, ScenarioKind.SuspiciousAccount, "pavel", now.AddHours(-2), now, answerTarget: 2000);
            await StepsAsync(services, ScenarioKind.SlowApi, null, now.AddHours(-2), now, answerTarget: 2000);
            await StepsAsync(services, ScenarioKind.ErrorSpike, null, now.AddHours(-2), now, answerTarget: 2000);
            // The free answer is a wipe's (over every table, with PostgreSQL's log) and an error spike's side by side: the wipe's target.
            await StepsAsync(services, ScenarioKind.Free, null, now.AddHours(-2), now, answerTarget: 3000);
            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            await ExecuteAsync(server, string.Concat(roles.LoginRoles.Append(roles.Owner).Append("audit_owner_bench").Select(r => $"DROP ROLE IF EXISTS {r};")));
        }
    }

    private static async Task StepsAsync(IServiceProvider services, ScenarioKind scenario, string? subject, DateTimeOffset start, DateTimeOffset end, double answerTarget)
    {
        var name = Scenario.Of(scenario).Title;
        var reader = services.GetRequiredService<ActivityReader>();
        var investigator = services.GetServices<IScenarioInvestigator>().Single(i => i.Kind == scenario);
        ActivityAnswer? activity = null;
        var firstData = new List<double>();
        var when = await TimeAsync(async () =>
        {
            var clock = Stopwatch.StartNew();
            var first = false;
            activity = await reader.ReadAsync(scenario, subject, start, end, null, CancellationToken.None, partial: _ =>
            {
                firstData.Add(clock.Elapsed.TotalMilliseconds);
                first = true;
            });
            if (!first)
            {
                firstData.Add(clock.Elapsed.TotalMilliseconds);
            }
        });
        var window = activity!.Proposal is { } proposal ? (proposal.Start, proposal.End) : (start, end);
        if (firstData.Count > when.Count)
        {
            firstData.RemoveAt(0);
        }

        Report($"{name}: WHEN first chart + window", firstData, 2000);
        Report($"{name}: WHEN every chart", when, 2000);
        ScenarioAnswer? answer = null;
        var question = new ScenarioQuestion(scenario, subject, window.Item1, window.Item2);
        var answering = await TimeAsync(async () => answer = await investigator.InvestigateAsync(question, CancellationToken.None));
        Report($"{name}: WHAT+WHO+WHY+PREVENT", answering, answerTarget);
        Console.WriteLine($"{"",-44} window {window.Item1:HH:mm:ss}-{window.Item2:HH:mm:ss}, {answer!.Result.Findings.Count} findings, {answer.Result.Unknowns.Count} unknowns, {answer.Statements.Count} statements");
        if (answer.Statements.FirstOrDefault(s => s.Removes) is { } removal)
        {
            await using var scope = services.CreateAsyncScope();
            var audit = scope.ServiceProvider.GetRequiredService<AuditReader>();
            Report($"{name}: WHAT removed rows (first 1,000)", await TimeAsync(() => audit.ChangesAsync(removal, CancellationToken.None)), 2000);
        }
    }

    private static void Report(string step, List<double> times, double target) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{step,-44} {Median(times),8:0} {times.Max(),8:0}  {(times.Max() <= target ? "<=" : "> ")} {target:0} ms"));

    /// <summary>One warm-up, then <see cref="Runs"/> timed runs (ms).</summary>
    private static async Task<List<double>> TimeAsync(Func<Task> step)
    {
        await step();
        var times = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await step();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        return times;
    }

    /// <summary>2,000,000 statements of history in the sandbox's audit trail, over the two days before it started.</summary>
    private static async Task LoadHistoryAsync(string audited)
    {
        var clock = Stopwatch.StartNew();
        await ExecuteAsync(audited, $"""
            INSERT INTO tovplay_audit.statements (id, tx_id, statement_at, captured_at, table_oid, schema_name, table_name, action, row_count,
                session_role, invoking_role, client_addr, client_port, application_name, backend_pid, app_username, trigger_depth, query)
            SELECT nextval('tovplay_audit.statements_id_seq'), 1000 + g, t, t, 100000 + g % 60, 'public', 't' || g % 60, (ARRAY['INSERT', 'UPDATE', 'DELETE', 'INSERT'])[1 + g % 4], 1 + g % 50,
                'tovplay_app', 'tovplay_app', ('10.0.' || g % 7 || '.' || g % 250)::inet, 40000 + g % 1000, 'tovplay-backend', 1000 + g % 300,
                'user' || g % 5000, 1, 'DELETE FROM t WHERE id = $1'
            FROM (SELECT g, now() - interval '48 hours' + g * (interval '47 hours' / {AuditStatements}) AS t FROM generate_series(1, {AuditStatements}) g) x;
            """);
        await ExecuteAsync(audited, "VACUUM ANALYZE tovplay_audit.statements");
        Console.WriteLine($"// audit history written in {clock.Elapsed.TotalSeconds:0} s");
    }

    /// <summary>A million backend lines of the last hour through the push API (protobuf, four clients), as the store benchmark loads them.</summary>
    private static async Task LoadLinesAsync(BenchApp app)
    {
        var now = DateTimeOffset.UtcNow;
        var options = new SampleDataOptions { Start = now.AddMinutes(-58), Duration = TimeSpan.FromMinutes(57), BackendLines = LogLines, LeanBackendLines = true };
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
        await ExecuteAsync(app.ConnectionString, "VACUUM ANALYZE logstore.chunks");
        Console.WriteLine($"// {streams.Sum(s => s.Entries.Count):N0} lines pushed in {clock.Elapsed.TotalSeconds:0} s");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }
}
