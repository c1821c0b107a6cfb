using Microsoft.Playwright;
using Npgsql;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Playwright.Shared;
using TovPlay.Logs.Web.Tests.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

/// <summary>
/// The Database page as on-call uses it when "too many clients" strikes: an app of its own watching an audited database
/// through Debian's PgBouncer (the shipped configuration, one server connection), with a forgotten transaction holding a
/// lock, the backend's update waiting on it, and a client queued in PgBouncer. The Admin finds the blocker at the root of
/// the tree, terminates it after a confirmation naming it, and everything waiting goes through.
/// </summary>
public sealed class DatabaseHealthTests(BrowserFixture fixture) : IAsyncLifetime
{
    private TestDatabase _appDb = null!;
    private TestDatabase _target = null!;
    private PgBouncerServer _bouncer = null!;
    private TestApp _app = null!;

    /// <summary>The sessions a test holds open; closed at the end whatever they were doing (a failed step leaves some waiting).</summary>
    private readonly List<NpgsqlConnection> _sessions = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _appDb = await TestDatabase.CreateAsync("dbpage_app");
        _target = await TestDatabase.CreateAsync("dbpage_tovplay");
        await using (var connection = await _target.OpenAsync())
        await using (var create = new NpgsqlCommand("CREATE TABLE users (id int PRIMARY KEY, balance int); INSERT INTO users VALUES (1, 100)", connection))
        {
            await create.ExecuteNonQueryAsync(Ct);
        }

        _bouncer = await PgBouncerServer.StartAsync(_target.ConnectionString, poolSize: 1);
        _app = new TestApp(_appDb.ConnectionString, new Dictionary<string, string?>
        {
            ["Sandbox:Enabled"] = "false",
            ["Audit:TargetConnection"] = _target.ConnectionString,
            ["PgBouncer:AdminConnection"] = _bouncer.AdminConsole,
            ["DatabaseHealth:SampleInterval"] = "00:00:01",
            ["DatabaseHealth:IdleInTransactionAfter"] = "00:00:00",
        });
        _ = _app.ServerAddress; // started before the tests take their locks
    }

    public async ValueTask DisposeAsync()
    {
        // A failed step can leave sessions waiting on a lock or in PgBouncer's queue, which closing them would wait for:
        // their server side goes first, so closing them returns at once.
        await _bouncer.DisposeAsync();
        await using (var connection = await _target.OpenAsync())
        await using (var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", connection))
        {
            await terminate.ExecuteNonQueryAsync();
        }

        foreach (var session in _sessions)
        {
            try
            {
                await session.DisposeAsync();
            }
            catch (NpgsqlException)
            {
                // Already ended on the server's side.
            }
        }

        await _app.DisposeAsync();
        await _target.DisposeAsync();
        await _appDb.DisposeAsync();
    }

    private async Task<NpgsqlConnection> OpenAsync(string connectionString, string application)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = application, Pooling = false }.ConnectionString);
        _sessions.Add(connection);
        await connection.OpenAsync(Ct);
        return connection;
    }

    [Fact]
    public async Task Admin_FindsTheForgottenTransaction_AtTheRootOfTheTree_AndTerminatesIt_AfterConfirming()
    {
        var forgotten = await OpenAsync(_target.ConnectionString, "support-console");
        var backend = await OpenAsync(_target.ConnectionString, "tovplay-backend");
        var pooledHolder = await OpenAsync(_bouncer.Through(_target.ConnectionString), "pooled-holder");
        var pooledWaiter = await OpenAsync(_bouncer.Through(_target.ConnectionString), "pooled-waiter");
        await using (var hold = new NpgsqlCommand("BEGIN; UPDATE users SET balance = 0 WHERE id = 1", forgotten))
        {
            await hold.ExecuteNonQueryAsync(Ct);
        }

        await using (var hold = new NpgsqlCommand("BEGIN; SELECT 1", pooledHolder))
        {
            await hold.ExecuteNonQueryAsync(Ct);
        }

        await using var update = new NpgsqlCommand("UPDATE users SET balance = balance + 5 WHERE id = 1", backend);
        var updating = update.ExecuteNonQueryAsync(Ct);
        await using var queued = new NpgsqlCommand("SELECT 1", pooledWaiter);
        var queuing = queued.ExecuteScalarAsync(Ct);
        int forgottenPid, backendPid;
        // Asked on a session of its own: the sessions under test must keep showing their own last statement.
        await using (var lookup = await _target.OpenAsync())
        await using (var pids = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE application_name = $1", lookup))
        {
            pids.Parameters.AddWithValue("support-console");
            forgottenPid = (int)(await pids.ExecuteScalarAsync(Ct))!;
            pids.Parameters[0].Value = "tovplay-backend";
            backendPid = (int)(await pids.ExecuteScalarAsync(Ct))!;
        }

        var (email, password) = await _app.CreateUserAsync(AppRoles.Admin);
        await using var watched = await WatchedPage.OpenAsync(fixture, _app.AppUri);
        await watched.SignInAsync(email, password);
        var page = watched.Page;
        await page.GetByRole(AriaRole.Link, new() { Name = "Database" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/logs/database$"));

        // The limits as the server has them.
        await using (var lookup = await _target.OpenAsync())
        await using (var settings = new NpgsqlCommand("SELECT current_setting('max_connections') || ', of which ' || current_setting('superuser_reserved_connections')", lookup))
        {
            await Expect(page.GetByTestId("limits")).ToContainTextAsync($"max_connections {await settings.ExecuteScalarAsync(Ct)} kept for superusers");
        }

        // The forgotten transaction at the root, the backend's update indented under it, with what each runs.
        var root = page.Locator($"[data-testid='blocking-node'][data-depth='0'][data-pid='{forgottenPid}']");
        var waiter = page.Locator($"[data-testid='blocking-node'][data-depth='1'][data-pid='{backendPid}']");
        await Expect(root).ToContainTextAsync("support-console");
        await Expect(root).ToContainTextAsync("holds up 1");
        await Expect(root).ToContainTextAsync("UPDATE users SET balance = 0 WHERE id = 1");
        await Expect(waiter).ToContainTextAsync("UPDATE users SET balance = balance + 5 WHERE id = 1");
        var (rootBox, waiterBox) = (await root.BoundingBoxAsync(), await waiter.BoundingBoxAsync());
        Assert.True(waiterBox!.X > rootBox!.X + 10 && waiterBox.Y > rootBox.Y, $"the waiter at ({waiterBox.X}, {waiterBox.Y}) is not under and right of its blocker at ({rootBox.X}, {rootBox.Y})");
        await Expect(page.GetByTestId("idle-in-transaction")).ToContainTextAsync($"pid {forgottenPid}");
        await Expect(page.GetByTestId("by-application")).ToContainTextAsync("support-console");

        // PgBouncer: the queued client, in its pool and its list.
        var pool = page.GetByTestId("bouncer-pools").GetByRole(AriaRole.Row).Filter(new() { HasText = _target.Name });
        await Expect(pool.Locator("td").Nth(4)).ToHaveTextAsync("1");
        await Expect(pool.Locator("td").Nth(2)).ToHaveTextAsync("transaction");
        await Expect(page.GetByTestId("bouncer-clients")).ToContainTextAsync("waiting");
        await Expect(page.GetByTestId("connections-chart")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await watched.ScreenshotAsync("too-many-connections", "1-database-page");

        await root.GetByRole(AriaRole.Button, new() { Name = $"Terminate pid {forgottenPid}" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog);
        await Expect(confirm).ToContainTextAsync($"Terminate the session of pid {forgottenPid} (postgres@{_target.Name}, support-console, from 127.0.0.1)?");
        await Expect(confirm).ToContainTextAsync("It runs: UPDATE users SET balance = 0 WHERE id = 1");
        await watched.ScreenshotAsync("too-many-connections", "2-confirm-terminate");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Terminate" }).ClickAsync();

        await Expect(page.GetByText($"Ended pid {forgottenPid}")).ToBeVisibleAsync();
        Assert.Equal(1, await updating.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        await Expect(page.GetByTestId("no-blocking")).ToBeVisibleAsync();
        await using (var committed = new NpgsqlCommand("COMMIT", pooledHolder))
        {
            await committed.ExecuteNonQueryAsync(Ct);
        }

        Assert.Equal(1, await queuing.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        // Asked for now, as a person would: the page's own refresh may be up to 5 s away, as long as the wait itself.
        await page.GetByTestId("refresh").ClickAsync();
        await Expect(pool.Locator("td").Nth(4)).ToHaveTextAsync("0");
        var audit = await AuditRowsAsync($"pid {forgottenPid} (postgres@{_target.Name}, support-console, from 127.0.0.1)");
        Assert.Equal([(AppAuditActions.BackendTerminated, email, true)], audit);
        watched.AssertClean();
    }

    [Fact]
    public async Task Investigator_SeesTheSessions_ButNoButtonToEndThem()
    {
        var forgotten = await OpenAsync(_target.ConnectionString, "report-psql");
        await using (var hold = new NpgsqlCommand("BEGIN; SELECT count(*) FROM users", forgotten))
        {
            await hold.ExecuteNonQueryAsync(Ct);
        }

        var (email, password) = await _app.CreateUserAsync(AppRoles.Investigator);
        await using var watched = await WatchedPage.OpenAsync(fixture, _app.AppUri);
        await watched.SignInAsync(email, password);
        await watched.Page.GotoAsync("database");

        await Expect(watched.Page.GetByTestId("idle-in-transaction")).ToContainTextAsync("report-psql");
        await Expect(watched.Page.GetByRole(AriaRole.Button, new() { Name = "Terminate" })).ToHaveCountAsync(0);
        await Expect(watched.Page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Terminate pid") })).ToHaveCountAsync(0);
        watched.AssertClean();
    }

    private async Task<List<(string Action, string Actor, bool Succeeded)>> AuditRowsAsync(string target)
    {
        await using var connection = await _appDb.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT action, actor, succeeded FROM app_audit_events WHERE target = $1 ORDER BY id", connection);
        command.Parameters.AddWithValue(target);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<(string, string, bool)>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2)));
        }

        return rows;
    }
}
