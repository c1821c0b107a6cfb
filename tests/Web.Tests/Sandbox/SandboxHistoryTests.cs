using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Push;
using TovPlay.Logs.Domain.Sandbox;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Sandbox;

/// <summary>
/// The hour of history a sandbox start writes: there whatever else already carries env="sandbox" (the audit trail ships
/// the sandbox database's own preparation under it, and can do so before the history is written), and written once
/// across a restart, which resumes from where the traffic stopped.
/// </summary>
public sealed class SandboxHistoryTests
{
    [Fact]
    public async Task AnAuditLineOfTheSandboxStoredBeforeTheHistory_DoesNotTakeTheHoursPlace()
    {
        var appDb = await TestDatabase.CreateAsync("sandbox_app");
        await using (var before = new TestApp(appDb.ConnectionString, new Dictionary<string, string?> { ["Sandbox:Enabled"] = "false" }))
        {
            // What the audit shipper writes when it ships the preparation first: a line of env="sandbox" at "now".
            var line = new LogEntry(TimeWindow.Ns(DateTimeOffset.UtcNow), "{\"event\":\"statement\",\"statement\":\"CREATE TABLE users (id bigint)\"}");
            await before.Services.GetRequiredService<ILogSink>().WriteAsync([PushStream.Of(AuditLogLine.Stream("info", SandboxLine.Env), [line])], TestContext.Current.CancellationToken);
        }

        await using var sandbox = await SandboxApp.StartOnAsync(appDb);
        var started = sandbox.State.StartedAt!.Value;

        var firstTenMinutes = await CountAsync(sandbox.App, started.AddMinutes(-49), TimeSpan.FromMinutes(10));

        Assert.True(firstTenMinutes > 0, $"The history's first ten minutes hold no traffic.\n{await sandbox.StoreStateAsync(SandboxSql.BackendName, "/api/", TestContext.Current.CancellationToken)}");
    }

    [Fact]
    public async Task ARestart_WritesOnlyTheTimeItWasAway_NotTheHourAgain()
    {
        await using var sandbox = await SandboxApp.StartAsync();
        var started = sandbox.State.StartedAt!.Value;
        var hour = TimeSpan.FromMinutes(58);
        var before = await CountAsync(sandbox.App, started.AddMinutes(-1), hour);

        await sandbox.RestartAsync();

        var after = await CountAsync(sandbox.App, started.AddMinutes(-1), hour);
        Assert.True(before > 0, "The first start wrote no history.");
        Assert.Equal(before, after);
    }

    /// <summary>The traffic's backend lines in the <paramref name="span"/> up to <paramref name="at"/>, counted by the store.</summary>
    private static async Task<double> CountAsync(TestApp app, DateTimeOffset at, TimeSpan span)
    {
        var query = $"sum(count_over_time({TovPlayTraffic.Selector}[{(int)span.TotalMinutes}m]))";
        var result = await app.Services.GetRequiredService<ILogSource>().QueryInstantAsync(new InstantQueryRequest(query, TimeWindow.Ns(at)), TestContext.Current.CancellationToken);
        return result.Series.SelectMany(s => s.Points).Sum(p => p.Value);
    }
}
