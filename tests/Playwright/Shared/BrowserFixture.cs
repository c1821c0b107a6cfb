using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TovPlay.Logs.Web.Security;
using TovPlay.Logs.Web.Tests.Shared;

[assembly: AssemblyFixture(typeof(TovPlay.Logs.Playwright.Shared.BrowserFixture))]

namespace TovPlay.Logs.Playwright.Shared;

/// <summary>
/// The real app on 127.0.0.1 with its own database, and Debian's Chromium driven by Playwright
/// (its own browser download cannot run here).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private TestDatabase? _database;
    private TestDatabase? _audited;
    private TestApp? _app;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>A fake Discord the app may call (allow-listed), for the alerting pages.</summary>
    public FakeDiscord Discord { get; private set; } = null!;

    public TestApp App => _app ?? throw new InvalidOperationException("Fixture not initialised.");

    public Uri AppUri { get; private set; } = null!;

    /// <summary>The audited TovPlay-like database the app's database-audit pages work on.</summary>
    public TestDatabase Audited => _audited ?? throw new InvalidOperationException("Fixture not initialised.");

    public string AuditOwnerRole { get; } = "audit_owner_browser_" + Guid.NewGuid().ToString("N")[..8];

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("browser_tests");
        // A small TovPlay database for the database-audit pages, with its own owner role (roles are cluster-wide).
        _audited = await TestDatabase.CreateAsync("browser_audited");
        await using (var connection = await _audited.OpenAsync())
        await using (var command = new Npgsql.NpgsqlCommand(
            "CREATE TABLE players (id bigint PRIMARY KEY, name text NOT NULL); CREATE TABLE matches (id bigint PRIMARY KEY, player_id bigint REFERENCES players (id) ON DELETE CASCADE);", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        Discord = await FakeDiscord.StartAsync();

        // A small viewer buffer, so that one large push overflows a live view as a slow browser would.
        _app = new TestApp(_database.ConnectionString, new Dictionary<string, string?>
        {
            ["Alerting:WebhookHosts:0"] = Discord.Authority,
            ["Tail:ViewerBufferLines"] = "200",
            ["Audit:TargetConnection"] = _audited.ConnectionString,
            ["Audit:OwnerRole"] = AuditOwnerRole,
        });
        AppUri = _app.AppUri;
        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PLAYWRIGHT_CHROMIUM_EXECUTABLE") ?? "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Discord is not null)
        {
            await Discord.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        if (_audited is not null)
        {
            await _audited.DisposeAsync();
            await using var connection = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(_audited.ConnectionString) { Database = "postgres" }.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP ROLE IF EXISTS {AuditOwnerRole}", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    public Task<(string Email, string Password)> CreateUserAsync(string role) => App.CreateUserAsync(role);

    /// <summary>Runs SQL in the audited database as its owner (the tests' own tables, their changes).</summary>
    public async Task ExecuteAuditedAsync(string sql)
    {
        await using var connection = await Audited.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Installs the audit on these tables of the audited database, through the app's installer.</summary>
    public async Task AuditTablesAsync(params string[] names)
    {
        var installer = App.Services.GetRequiredService<Web.Audit.AuditInstaller>();
        var tables = await installer.TablesAsync(TestContext.Current.CancellationToken);
        await installer.InstallAsync([.. tables.Where(t => names.Contains(t.Name))], TestContext.Current.CancellationToken);
    }
}
