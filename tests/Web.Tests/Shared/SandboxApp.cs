using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TovPlay.Logs.Domain.Sandbox;
using TovPlay.Logs.Web.Sandbox;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>
/// The app as <c>./run.sh</c> starts it: its own app database and a sandbox of its own (database, roles and audit owner
/// named for this instance, since roles are shared by the test cluster), live once its history is in. Dropped afterwards.
/// </summary>
public sealed class SandboxApp : IAsyncDisposable
{
    public const string ServerLogVariable = "TOVPLAY_TEST_PG_LOG";

    private readonly TestDatabase _appDb;
    private readonly string _suffix;

    private SandboxApp(TestDatabase appDb, string suffix, TestApp app)
    {
        _appDb = appDb;
        _suffix = suffix;
        App = app;
    }

    public TestApp App { get; }

    public string SandboxDatabase => "sandbox_" + _suffix;

    public SandboxRoles Roles => new("_" + _suffix);

    public string AuditOwner => "audit_owner_" + _suffix;

    public SandboxState State => App.Services.GetRequiredService<SandboxState>();

    /// <summary>Starts the app with the sandbox and waits until its traffic is live.</summary>
    public static async Task<SandboxApp> StartAsync(params (string Key, string? Value)[] settings)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var appDb = await TestDatabase.CreateAsync("sandbox_app");
        var all = new Dictionary<string, string?>
        {
            ["Sandbox:Enabled"] = "true",
            ["Sandbox:Database"] = "sandbox_" + suffix,
            ["Sandbox:RoleSuffix"] = "_" + suffix,
            ["Audit:OwnerRole"] = "audit_owner_" + suffix,
            // The test cluster's own log (test.sh says where), shipped as the sandbox's job="postgres".
            ["Sandbox:ServerLogFile"] = Environment.GetEnvironmentVariable(ServerLogVariable),
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var sandbox = new SandboxApp(appDb, suffix, new TestApp(appDb.ConnectionString, all));
        _ = sandbox.App.ServerAddress;
        await sandbox.WaitForAsync(SandboxPhase.Live);
        return sandbox;
    }

    /// <summary>Waits for the sandbox to reach a phase (it fails at once if preparing failed).</summary>
    public async Task WaitForAsync(SandboxPhase phase)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (State.Phase == phase)
            {
                reached.TrySetResult();
            }
            else if (State.Phase == SandboxPhase.Failed)
            {
                reached.TrySetException(new Xunit.Sdk.XunitException("The sandbox failed: " + State.Reason));
            }
        }

        State.Changed += Check;
        try
        {
            Check();
            await reached.Task.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        }
        finally
        {
            State.Changed -= Check;
        }
    }

    /// <summary>A connection to the sandbox database as the superuser.</summary>
    public async Task<NpgsqlConnection> OpenSandboxAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_appDb.ConnectionString) { Database = SandboxDatabase, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var connection = await OpenSandboxAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenSandboxAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_appDb.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString))
        {
            await admin.OpenAsync();
            var roles = Roles.LoginRoles.Append(Roles.Owner).Append(AuditOwner).Select(r => $"DROP ROLE IF EXISTS \"{r}\";");
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{SandboxDatabase}\" WITH (FORCE); {string.Join(" ", roles)}", admin);
            await drop.ExecuteNonQueryAsync();
        }

        await _appDb.DisposeAsync();
    }
}
