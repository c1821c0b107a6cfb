using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.DatabaseHealth;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.DatabaseHealth;
using TovPlay.Logs.Web.Security;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.DatabaseHealth;

/// <summary>
/// The audited database's connections read from a real PostgreSQL with a real lock wait and a session left idle in its
/// transaction; cancel and terminate signalling the real backends, only for Admins, each recorded.
/// </summary>
public sealed class ConnectionsAndControlTests(WebAppFixture fixture) : IAsyncLifetime
{
    private TestDatabase _target = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _target = await TestDatabase.CreateAsync("db_health");
        await using var connection = await _target.OpenAsync();
        await using var create = new NpgsqlCommand("CREATE TABLE wallets (id int PRIMARY KEY, balance int); INSERT INTO wallets VALUES (1, 100), (2, 50)", connection);
        await create.ExecuteNonQueryAsync(Ct);
    }

    public async ValueTask DisposeAsync() => await _target.DisposeAsync();

    private IOptions<AuditOptions> Audit => Options.Create(new AuditOptions { TargetConnection = _target.ConnectionString });

    private ConnectionsReader Reader => new(Audit, Options.Create(new DatabaseHealthOptions()));

    private async Task<NpgsqlConnection> OpenAsync(string application)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_target.ConnectionString) { ApplicationName = application, Pooling = false }.ConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }

    private static async Task<int> PidAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        return (int)(await command.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>Reads until the snapshot shows what the test set up (the waiter actually waiting on the lock), bounded.</summary>
    private async Task<ConnectionReport> ReadUntilAsync(Func<ConnectionReport, bool> shown)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var report = ConnectionReport.Of(await Reader.ReadAsync(bound.Token), TimeSpan.Zero, TimeSpan.Zero);
            if (shown(report))
            {
                return report;
            }

            await Task.Delay(50, bound.Token);
        }
    }

    [Fact]
    public async Task TheReport_ShowsTheBlockerAsRoot_TheWaiterUnderIt_WithTheirQueries_AndTheLimits()
    {
        await using var holder = await OpenAsync("support-console");
        await using var waiter = await OpenAsync("tovplay-backend");
        var (holderPid, waiterPid) = (await PidAsync(holder), await PidAsync(waiter));
        await using (var hold = new NpgsqlCommand("BEGIN; UPDATE wallets SET balance = 0 WHERE id = 1", holder))
        {
            await hold.ExecuteNonQueryAsync(Ct);
        }

        await using var blocked = new NpgsqlCommand("UPDATE wallets SET balance = balance + 1 WHERE id = 1", waiter);
        var waiting = blocked.ExecuteNonQueryAsync(Ct);

        var report = await ReadUntilAsync(r => r.Blocking.Any(n => n.Backend.Pid == holderPid && n.Waiters.Any(w => w.Backend.Pid == waiterPid)));

        var root = Assert.Single(report.Blocking, n => n.Backend.Pid == holderPid);
        Assert.Equal(("idle in transaction", "support-console", "UPDATE wallets SET balance = 0 WHERE id = 1"), (root.Backend.State, root.Backend.Application, root.Backend.Query));
        var under = Assert.Single(root.Waiters);
        Assert.Equal(("Lock", "UPDATE wallets SET balance = balance + 1 WHERE id = 1"), (under.Backend.WaitEventType, under.Backend.Query));
        Assert.NotNull(under.Waiting);
        Assert.Contains(report.IdleInTransaction, f => f.Backend.Pid == holderPid);
        Assert.Contains(report.ByApplication, c => c.Value == "support-console" && c.Count == 1);
        await using (var settings = new NpgsqlCommand("SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int", holder))
        await using (var read = await settings.ExecuteReaderAsync(Ct))
        {
            await read.ReadAsync(Ct);
            Assert.Equal((read.GetInt32(0), read.GetInt32(1)), (report.Snapshot.MaxConnections, report.Snapshot.SuperuserReserved));
        }

        Assert.DoesNotContain(report.Snapshot.Backends, b => b.Query?.Contains("pg_blocking_pids", StringComparison.Ordinal) == true);
        await using (var release = new NpgsqlCommand("ROLLBACK", holder))
        {
            await release.ExecuteNonQueryAsync(Ct);
        }

        Assert.Equal(1, await waiting);
    }

    private static ClaimsPrincipal As(string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, $"{role.ToLowerInvariant()}@tests.tovplay.org"), new Claim(ClaimTypes.Role, role)], "tests"));

    private BackendControl Control(IServiceProvider scope) => new(Audit, scope.GetRequiredService<IAuthorizationService>(), scope.GetRequiredService<AppAuditLog>());

    [Fact]
    public async Task Terminate_EndsTheBlocker_ForAnAdmin_TheWaiterGoesOn_AndItIsRecorded_ButNotForAnInvestigator()
    {
        await using var holder = await OpenAsync("forgotten-psql");
        await using var waiter = await OpenAsync("tovplay-backend");
        var holderPid = await PidAsync(holder);
        await using (var hold = new NpgsqlCommand("BEGIN; UPDATE wallets SET balance = 0 WHERE id = 2", holder))
        {
            await hold.ExecuteNonQueryAsync(Ct);
        }

        await using var blocked = new NpgsqlCommand("UPDATE wallets SET balance = 7 WHERE id = 2", waiter);
        var waiting = blocked.ExecuteNonQueryAsync(Ct);
        var report = await ReadUntilAsync(r => r.Blocking.Any(n => n.Backend.Pid == holderPid && n.Waiters.Count == 1));
        var target = report.Blocking.Single(n => n.Backend.Pid == holderPid).Backend;
        await using var scope = fixture.App.Services.CreateAsyncScope();

        var refused = await Control(scope.ServiceProvider).ApplyAsync(As(AppRoles.Investigator), BackendAction.Terminate, target.Pid, target.BackendStart, target.Describe(), Ct);
        var stale = await Control(scope.ServiceProvider).ApplyAsync(As(AppRoles.Admin), BackendAction.Terminate, target.Pid, target.BackendStart!.Value.AddSeconds(-5), target.Describe(), Ct);
        var done = await Control(scope.ServiceProvider).ApplyAsync(As(AppRoles.Admin), BackendAction.Terminate, target.Pid, target.BackendStart, target.Describe(), Ct);

        Assert.Equal(new BackendActionResult(false, "Only Admins may terminate a session."), refused);
        Assert.False(stale.Done);
        Assert.EndsWith("is gone (or its pid now belongs to another session): nothing was signalled.", stale.Message, StringComparison.Ordinal);
        Assert.Equal(new BackendActionResult(true, $"Ended {target.Describe()}; its open transaction, if any, was rolled back."), done);
        Assert.Equal(1, await waiting); // the lock was released with the rolled-back transaction
        await using (var check = new NpgsqlCommand("SELECT balance FROM wallets WHERE id = 2", waiter))
        {
            Assert.Equal(7, await check.ExecuteScalarAsync(Ct));
        }

        Assert.StartsWith($"pid {holderPid} (postgres@{_target.Name}, forgotten-psql, from 127.0.0.1)", target.Describe(), StringComparison.Ordinal);
        var rows = await AuditRows.ForTargetAsync(fixture.Database, target.Describe());
        Assert.Equal([(AppAuditActions.BackendTerminated, "investigator@tests.tovplay.org", false), (AppAuditActions.BackendTerminated, "admin@tests.tovplay.org", false),
            (AppAuditActions.BackendTerminated, "admin@tests.tovplay.org", true)], rows.Select(r => (r.Action, r.Actor, r.Succeeded)));
        await ReadUntilAsync(r => r.Snapshot.Backends.All(b => b.Pid != holderPid));
    }

    [Fact]
    public async Task Cancel_StopsALongQuery_TheSessionStays()
    {
        await using var sleeper = await OpenAsync("report-job");
        var pid = await PidAsync(sleeper);
        await using var sleep = new NpgsqlCommand("SELECT pg_sleep(600)", sleeper) { CommandTimeout = 0 };
        var running = sleep.ExecuteNonQueryAsync(Ct);
        var report = await ReadUntilAsync(r => r.LongRunning.Any(f => f.Backend.Pid == pid && f.Backend.Query == "SELECT pg_sleep(600)"));
        var target = report.LongRunning.Single(f => f.Backend.Pid == pid).Backend;
        await using var scope = fixture.App.Services.CreateAsyncScope();

        var result = await Control(scope.ServiceProvider).ApplyAsync(As(AppRoles.Admin), BackendAction.Cancel, target.Pid, target.BackendStart, target.Describe(), Ct);

        Assert.True(result.Done, result.Message);
        var cancelled = await Assert.ThrowsAsync<PostgresException>(() => running);
        Assert.Equal(PostgresErrorCodes.QueryCanceled, cancelled.SqlState);
        Assert.Equal(pid, await PidAsync(sleeper)); // the same session answers again
    }

    [Fact]
    public async Task AnUnreachableDatabase_IsAClearError_NotAHang()
    {
        var closed = LoopbackServer.FreePort();
        var reader = new ConnectionsReader(Options.Create(new AuditOptions { TargetConnection = $"Host=127.0.0.1;Port={closed};Username=x;Database=x;Timeout=2" }),
            Options.Create(new DatabaseHealthOptions()));

        var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => reader.ReadAsync(Ct));

        Assert.Contains("Failed to connect to 127.0.0.1", error.Message, StringComparison.Ordinal);
    }
}
