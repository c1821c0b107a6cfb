using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Sandbox.Incidents;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.Investigations;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Model.Investigations;
using TovPlay.Logs.Web.Sandbox;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Sandbox;

/// <summary>
/// A running sandbox with live traffic at <paramref name="requestsPerMinute"/>, incidents played into it, and each
/// investigated as its link opens the wizard; with what the tests check an answer by.
/// </summary>
public abstract class IncidentHarness(double requestsPerMinute) : IAsyncLifetime
{
    private SandboxApp _sandbox = null!;

    protected SandboxApp Sandbox => _sandbox;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ClaimsPrincipal s_admin = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "incident-tests")], "tests"));

    public async ValueTask InitializeAsync() => _sandbox = await SandboxApp.StartAsync(("Sandbox:RequestsPerMinute", requestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public async ValueTask DisposeAsync() => await _sandbox.DisposeAsync();

    protected T Service<T>() where T : notnull => _sandbox.App.Services.GetRequiredService<T>();

    protected Task<IncidentPlay> PlayAsync(string slug) => Service<IncidentPlayer>().PlayAsync(slug, s_admin, Ct);

    /// <summary>
    /// What the incident's link does: WHEN with its subject and time, the proposed window, then the scenario's answer;
    /// or, given a scenario, what an operator asking that one instead (with no subject) would get.
    /// </summary>
    protected async Task<(WhenViewModel When, ScenarioAnswer Answer)> InvestigateAsync(IncidentPlay play, ScenarioKind? instead = null)
    {
        var expected = instead is { } other ? play.Incident.Expected with { Scenario = other, Subject = null } : play.Incident.Expected;
        var when = new WhenViewModel(Service<ActivityReader>(), TimeProvider.System)
        {
            Scenario = expected.Scenario,
            Subject = expected.Subject,
            Around = play.Playback.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };
        Assert.True(await when.FindAsync(Ct), when.AroundError ?? when.SubjectError ?? when.RangeError);
        Assert.True(when.Activity!.Warnings.Count == 0, string.Join("\n", when.Activity.Warnings));
        var investigator = _sandbox.App.Services.GetServices<IScenarioInvestigator>().Single(i => i.Kind == expected.Scenario);
        var answer = await investigator.InvestigateAsync(new ScenarioQuestion(expected.Scenario, expected.Subject, when.WindowStart!.Value, when.WindowEnd!.Value), Ct);
        return (when, answer);
    }

    protected static List<string> Said(ScenarioAnswer answer, InvestigationStep step) => [.. answer.Result.For(step).Select(f => f.Statement)];

    /// <summary>That the step says something matching; else fails with everything the answer said, to see why.</summary>
    protected static void AssertSays(ScenarioAnswer answer, InvestigationStep step, Func<string, bool> match, string? context = null) =>
        Assert.True(Said(answer, step).Any(match), $"Nothing in {step} matched.{(context is null ? "" : " " + context)} The answer said:\n" + string.Join("\n", answer.Result.Findings.Select(f => $"{f.Step} [{f.Basis}] {f.Statement}")));

    /// <summary>When the incident was played and the window WHEN took, for a failure's message: whether the incident was in it.</summary>
    protected static string Seen(IncidentPlay play, WhenViewModel when) =>
        $"Played at {play.Playback.At.UtcDateTime:O}; WHEN's window {when.WindowStart?.UtcDateTime:O} to {when.WindowEnd?.UtcDateTime:O} ({when.WindowExplanation}).";

    /// <summary>
    /// Runs, as the superuser, the restore script RECOVER offers for the incident's transactions (the live traffic's own
    /// deletes in the window have scripts of their own); returns the rows it put back per table (from the trail).
    /// </summary>
    protected async Task<Dictionary<string, long>> RestoreAsync(ScenarioAnswer answer, IncidentPlay play)
    {
        var restore = Service<AuditRestore>();
        var started = DateTimeOffset.UtcNow;
        var incident = answer.Statements.Where(s => play.Playback.Runs.Any(r => r.Covers(s))).ToList();
        Assert.NotEmpty(incident);
        foreach (var tx in incident.GroupBy(s => s.TxId))
        {
            await _sandbox.ExecuteAsync(await restore.ForStatementTransactionAsync(tx.First().Id, Ct));
        }

        // The restore's own changes, told apart from the live traffic's by their role: the traffic runs as the application's.
        await using var connection = await _sandbox.OpenSandboxAsync();
        await using var command = new Npgsql.NpgsqlCommand("""
            SELECT table_name, sum(row_count)::bigint FROM tovplay_audit.statements
            WHERE statement_at >= @from AND session_role = current_user AND action IN ('INSERT', 'UPDATE') GROUP BY 1
            """, connection);
        command.Parameters.AddWithValue("from", started.AddSeconds(-1));
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var restored = new Dictionary<string, long>();
        while (await reader.ReadAsync(Ct))
        {
            restored[reader.GetString(0)] = reader.GetInt64(1);
        }

        return restored;
    }

    /// <summary>Waits until PostgreSQL's own log of this session (pid) is in the store: the server writes it, the sandbox ships it.</summary>
    protected async Task WaitForServerLogAsync(int pid, string text)
    {
        Assert.True(Environment.GetEnvironmentVariable(SandboxApp.ServerLogVariable) is { Length: > 0 }, $"{SandboxApp.ServerLogVariable} is not set: run the tests with ./test.sh");
        var logs = Service<ILogSource>();
        var query = $"{{job=\"postgres\", env=\"sandbox\"}} |= \"[{pid}]\" |= \"{text}\"";
        // Bounded as the sandbox's own start is: a log that never arrives fails here with why, rather than hanging the run.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromMinutes(2));
        while (!bound.IsCancellationRequested)
        {
            var now = DateTimeOffset.UtcNow;
            var found = await logs.QueryRangeAsync(new RangeQueryRequest(query, TimeWindow.Ns(now.AddMinutes(-10)), TimeWindow.Ns(now.AddMinutes(1))), Ct);
            if (found.EntryCount > 0)
            {
                return;
            }

            await Task.Delay(200, Ct);
        }

        Assert.Fail($"PostgreSQL's log line \"{text}\" of backend {pid} did not reach the store within two minutes.");
    }

    /// <summary>
    /// That every finding names its source, and that no evidence of the application's log is a copy of the audit
    /// trail (its shipped lines carry the same correlation ids, and would seem to corroborate it).
    /// </summary>
    protected static void AssertSourced(ScenarioAnswer answer)
    {
        string[] sources = [EvidenceSource.AuditTrail, EvidenceSource.ApplicationLog, EvidenceSource.PostgresLog, EvidenceSource.Catalog];
        Assert.All(answer.Result.Findings, f => Assert.All(f.Source.Split(" and "), part => Assert.Contains(part, sources)));
        Assert.All(answer.Result.Findings.SelectMany(f => f.Evidence).Where(e => e.Source == EvidenceSource.ApplicationLog), e =>
        {
            Assert.Matches("job=~?\"[^\"]*tovplay-(backend|frontend)", e.Query);
            Assert.DoesNotContain(AuditLogLine.Job, e.Query, StringComparison.Ordinal);
            Assert.DoesNotContain("\"statement_id\":", e.Snapshot, StringComparison.Ordinal);
        });
    }
}
