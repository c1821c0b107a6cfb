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
    private readonly Dictionary<string, string?> _settings;

    private SandboxApp(TestDatabase appDb, string suffix, Dictionary<string, string?> settings)
    {
        _appDb = appDb;
        _suffix = suffix;
        _settings = settings;
        App = new TestApp(appDb.ConnectionString, settings);
    }

    public TestApp App { get; private set; }

    public string SandboxDatabase => "sandbox_" + _suffix;

    public SandboxRoles Roles => new("_" + _suffix);

    public string AuditOwner => "audit_owner_" + _suffix;

    public SandboxState State => App.Services.GetRequiredService<SandboxState>();

    /// <summary>
    /// For a failure report: the sandbox's own account, the job's streams as the app knows them and as the store holds
    /// them, and the lines holding <paramref name="needle"/> per 10 minutes of the last hour, counted straight from the store.
    /// </summary>
    public async Task<string> StoreStateAsync(string job, string needle, CancellationToken cancellationToken)
    {
        var sandbox = App.Services.GetRequiredService<SandboxState>();
        var known = App.Services.GetRequiredService<TovPlay.Logs.Web.LogStore.StreamRegistry>().All.Where(s => s.Labels["job"] == job).Select(s => $"{s.Id} {s.Labels}");
        List<string> stored;
        await using (var connection = await App.Services.GetRequiredService<TovPlay.Logs.Web.LogStore.LogStoreDatabase>().OpenAsync(cancellationToken))
        {
            stored = await StoredLines.StreamsOfJobAsync(connection, job);
        }

        var now = DateTimeOffset.UtcNow;
        var counted = await App.Services.GetRequiredService<TovPlay.Logs.Web.LogSources.ILogSource>().QueryRangeAsync(
            new TovPlay.Logs.Web.LogSources.RangeQueryRequest($"sum(count_over_time({{job=\"{job}\"}} |= \"{needle}\" [10m]))", TovPlay.Logs.Web.LogSources.TimeWindow.Ns(now.AddHours(-1)), TovPlay.Logs.Web.LogSources.TimeWindow.Ns(now)) { StepNs = 600_000_000_000 },
            cancellationToken);
        return $"Sandbox: {sandbox.Phase} ({sandbox.Reason}), started {sandbox.StartedAt:HH:mm:ss}, history ready {sandbox.HistoryReadyAt:HH:mm:ss}, " +
            $"{sandbox.Requests} requests, {sandbox.Lines} lines, last error: {sandbox.LastError ?? "none"}\n" +
            $"Streams known to the app: {string.Join("; ", known)}\nIn the store: {string.Join("; ", stored)}\n" +
            $"Lines holding {needle}, per 10 minutes: {string.Join(" ", counted.Series.SelectMany(s => s.Points).Select(p => $"{DateTimeOffset.UnixEpoch.AddTicks(p.TimestampNs / 100):HH:mm}={p.Value:0}"))}";
    }

    /// <summary>Starts the app with the sandbox and waits until its traffic is live.</summary>
    public static async Task<SandboxApp> StartAsync(params (string Key, string? Value)[] settings) =>
        await StartOnAsync(await TestDatabase.CreateAsync("sandbox_app"), settings);

    /// <summary>As <see cref="StartAsync"/>, on an app database made beforehand (which this then owns and drops).</summary>
    public static async Task<SandboxApp> StartOnAsync(TestDatabase appDb, params (string Key, string? Value)[] settings)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
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

        var sandbox = new SandboxApp(appDb, suffix, all);
        _ = sandbox.App.ServerAddress;
        await sandbox.WaitForAsync(SandboxPhase.Live);
        return sandbox;
    }

    /// <summary>Stops the app and starts it again on the same databases, as a deploy does, and waits until it is live.</summary>
    public async Task RestartAsync()
    {
        await App.DisposeAsync();
        App = new TestApp(_appDb.ConnectionString, _settings);
        _ = App.ServerAddress;
        await WaitForAsync(SandboxPhase.Live);
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
