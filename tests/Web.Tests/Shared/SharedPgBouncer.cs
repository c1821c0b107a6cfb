namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>
/// When <see cref="Variable"/> is set (test.sh sets it for one run of the integration tests), every app the tests start
/// reaches its database through one PgBouncer running the shipped configuration, as production does: queries through
/// transaction pooling, what needs a session of its own (migrations, the alerting leader's lock) over the direct
/// connection. Unset, apps connect directly.
/// </summary>
public static class SharedPgBouncer
{
    public const string Variable = "TOVPLAY_TEST_THROUGH_PGBOUNCER";

    private static readonly Lazy<PgBouncerServer> s_server = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>
    /// The app database's connection string as the app should use it: through PgBouncer in that run when it points at the
    /// shared test cluster (which the PgBouncer serves), else as it is (a test's private cluster stays direct).
    /// </summary>
    public static string Route(string connectionString) => Enabled && OnSharedCluster(connectionString) ? s_server.Value.Through(connectionString) : connectionString;

    private static bool OnSharedCluster(string connectionString)
    {
        var shared = new Npgsql.NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(TestDatabase.ServerVariable) ?? "");
        var given = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        return string.Equals(shared.Host, given.Host, StringComparison.OrdinalIgnoreCase) && shared.Port == given.Port;
    }

    private static PgBouncerServer Start()
    {
        var server = Environment.GetEnvironmentVariable(TestDatabase.ServerVariable)
            ?? throw new InvalidOperationException($"{TestDatabase.ServerVariable} is not set. Run the tests with ./test.sh.");
        var bouncer = PgBouncerServer.StartAsync(server).GetAwaiter().GetResult();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => bouncer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return bouncer;
    }
}
