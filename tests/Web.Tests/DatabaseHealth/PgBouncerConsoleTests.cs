using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Web.Alerting;
using TovPlay.Logs.Web.DatabaseHealth;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.DatabaseHealth;

/// <summary>
/// PgBouncer's admin console read from Debian's PgBouncer running the shipped configuration: signing in with SCRAM (the
/// shipped auth_type) and md5, the three tables, a client really waiting for a server connection, and the alert check
/// that counts such clients.
/// </summary>
public sealed class PgBouncerConsoleTests(WebAppFixture fixture) : IAsyncLifetime
{
    private TestDatabase _target = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _target = await TestDatabase.CreateAsync("bouncer");

    public async ValueTask DisposeAsync() => await _target.DisposeAsync();

    private static PgBouncerReader Reader(string adminConsole) =>
        new(Options.Create(new PgBouncerOptions { AdminConnection = adminConsole }), Options.Create(new DatabaseHealthOptions { ReadTimeout = TimeSpan.FromSeconds(10) }));

    [Fact]
    public async Task AClientWaitingForTheOnlyServerConnection_ShowsInPoolsAndClients_AndTheAlertCheckCountsIt()
    {
        await using var bouncer = await PgBouncerServer.StartAsync(_target.ConnectionString, poolSize: 1);
        var through = bouncer.Through(_target.ConnectionString);
        // Both open first: opening reads the server's types, which needs the one server connection too.
        await using var holder = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(through) { Pooling = false }.ConnectionString);
        await holder.OpenAsync(Ct);
        await using var queued = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(through) { Pooling = false }.ConnectionString);
        await queued.OpenAsync(Ct);
        await using (var begin = new NpgsqlCommand("BEGIN; SELECT 1", holder))
        {
            await begin.ExecuteNonQueryAsync(Ct); // transaction pooling: the one server connection is held until COMMIT
        }

        await using var select = new NpgsqlCommand("SELECT 42", queued);
        var answer = select.ExecuteScalarAsync(Ct);
        var reader = Reader(bouncer.AdminConsole);

        var state = await WaitForAsync(reader, s => s.ClientsWaiting >= 1);

        var pool = Assert.Single(state.Pools, p => p.Database == _target.Name);
        Assert.Equal(("transaction", 1L, 1L), (pool.Mode, pool.ClientsWaiting, pool.ServersActive));
        Assert.Contains(state.Clients, c => c.Database == _target.Name && c.State == "waiting" && c.Address == "127.0.0.1");
        Assert.Contains(state.Stats, s => s.Database == _target.Name);
        Assert.DoesNotContain(state.Pools, p => p.Database == "pgbouncer");

        await using var app = new TestApp(fixture.Database.ConnectionString, new Dictionary<string, string?> { ["PgBouncer:AdminConnection"] = bouncer.AdminConsole });
        var samples = await app.Services.GetRequiredService<AppChecks>().RunAsync(AlertChecks.PgBouncerWaiting, Ct);
        Assert.Contains(samples, s => s.Labels["database"] == _target.Name && s.Value == 1);

        await using (var commit = new NpgsqlCommand("COMMIT", holder))
        {
            await commit.ExecuteNonQueryAsync(Ct);
        }

        Assert.Equal(42, await answer);
        await WaitForAsync(reader, s => s.ClientsWaiting == 0);
    }

    [Theory]
    [InlineData("scram-sha-256")]
    [InlineData("md5")]
    public async Task SignsIn_WithEachPasswordMethod_AndAWrongPasswordIsSaidPlainly(string method)
    {
        await using var bouncer = await PgBouncerServer.StartAsync(_target.ConnectionString, authType: method);

        var state = await Reader(bouncer.AdminConsole).ReadAsync(Ct);
        var wrong = await Assert.ThrowsAsync<PgBouncerConsoleException>(() => Reader(bouncer.AdminConsole.Replace(PgBouncerServer.Password, "not-it", StringComparison.Ordinal)).ReadAsync(Ct));

        Assert.NotNull(state.Pools);
        // PgBouncer's own words: "password authentication failed" for md5, "SASL authentication failed" for SCRAM.
        Assert.Matches("^(password|SASL) authentication failed", wrong.Message);
    }

    [Fact]
    public async Task NotPgBouncer_OrNothingListening_IsAClearError()
    {
        // PostgreSQL itself has no "pgbouncer" database: its refusal comes back as it is.
        var postgres = new NpgsqlConnectionStringBuilder(_target.ConnectionString);
        var notBouncer = await Assert.ThrowsAsync<PgBouncerConsoleException>(() => Reader($"Host={postgres.Host};Port={postgres.Port};Username={postgres.Username}").ReadAsync(Ct));
        Assert.Contains("database \"pgbouncer\" does not exist", notBouncer.Message, StringComparison.Ordinal);

        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => Reader($"Host=127.0.0.1;Port={LoopbackServer.FreePort()};Username=x").ReadAsync(Ct));
    }

    private static async Task<Domain.DatabaseHealth.BouncerState> WaitForAsync(PgBouncerReader reader, Func<Domain.DatabaseHealth.BouncerState, bool> shown)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var state = await reader.ReadAsync(bound.Token);
            if (shown(state))
            {
                return state;
            }

            await Task.Delay(50, bound.Token);
        }
    }
}
