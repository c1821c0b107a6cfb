using System.Net;
using System.Security.Cryptography;
using Npgsql;
using TovPlay.Logs.Domain.Sandbox;
using TovPlay.Logs.Domain.Sandbox.Incidents;

namespace TovPlay.Logs.Web.Sandbox;

/// <summary>
/// How the sandbox's actors reach its database: the app's superuser (to make it, and as the audit trail's installer and
/// reader), the backend and the worker through pools of their own roles, and people around the application over
/// <see cref="SandboxOptions.AroundHost"/>, so their connections come from another address than the application's.
/// Login roles get a new random password at every start; it never leaves this process.
/// </summary>
public sealed class SandboxConnections : IAsyncDisposable
{
    private readonly SandboxOptions _options;
    private readonly NpgsqlConnectionStringBuilder _superuser;
    private readonly Dictionary<string, string> _passwords;
    private readonly Lazy<NpgsqlDataSource> _backend;
    private readonly Lazy<NpgsqlDataSource> _worker;

    public SandboxConnections(SandboxOptions options, string appDb)
    {
        _options = options;
        _superuser = new NpgsqlConnectionStringBuilder(appDb) { Database = options.Database, ApplicationName = "tovplay-logs" };
        Roles = new SandboxRoles(options.RoleSuffix);
        _passwords = Roles.LoginRoles.ToDictionary(r => r, _ => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18)));
        _backend = new(() => Pool(Roles.App, SandboxSql.BackendName));
        _worker = new(() => Pool(Roles.Worker, SandboxSql.WorkerName));
        AppServerAddress = IPAddress.TryParse(_superuser.Host, out var address) ? address.ToString() : IPAddress.Loopback.ToString();
    }

    public SandboxRoles Roles { get; }

    public IReadOnlyDictionary<string, string> Passwords => _passwords;

    /// <summary>The superuser's name (the app database's user), who runs the psql incident.</summary>
    public string Superuser => _superuser.Username ?? "postgres";

    /// <summary>The address the backend and the worker connect from: the app database's host, as PostgreSQL sees it.</summary>
    public string AppServerAddress { get; }

    /// <summary>The sandbox database as the app's own user: the audit trail's target connection.</summary>
    public string SuperuserConnection => _superuser.ConnectionString;

    /// <summary>The maintenance database of the same server, to create the sandbox database in.</summary>
    public string ServerConnection => new NpgsqlConnectionStringBuilder(_superuser.ConnectionString) { Database = "postgres" }.ConnectionString;

    public async Task<NpgsqlConnection> OpenAsync(SandboxConnection connection, CancellationToken cancellationToken)
    {
        var source = connection == SandboxConnection.Backend ? _backend.Value : _worker.Value;
        return await source.OpenConnectionAsync(cancellationToken);
    }

    /// <summary>A connection as an incident's actor: the application's own, or a person's from around it.</summary>
    public async Task<NpgsqlConnection> OpenAsync(IncidentConnection connection, CancellationToken cancellationToken) => connection switch
    {
        IncidentConnection.Backend => await OpenAsync(SandboxConnection.Backend, cancellationToken),
        IncidentConnection.Worker => await OpenAsync(SandboxConnection.Worker, cancellationToken),
        IncidentConnection.SuperuserPsql => await AroundAsync(new NpgsqlConnectionStringBuilder(_superuser.ConnectionString) { ApplicationName = "psql" }, cancellationToken),
        IncidentConnection.SupportPsql => await AroundAsync(new NpgsqlConnectionStringBuilder(_superuser.ConnectionString)
        {
            Username = Roles.Support,
            Password = _passwords[Roles.Support],
            ApplicationName = "psql",
        }, cancellationToken),
        _ => await AroundAsync(new NpgsqlConnectionStringBuilder(_superuser.ConnectionString)
        {
            Username = Roles.Developer,
            Password = _passwords[Roles.Developer],
            ApplicationName = "DBeaver 24.2.5 - Main <tovplay>",
        }, cancellationToken),
    };

    private NpgsqlDataSource Pool(string role, string applicationName) => NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_superuser.ConnectionString)
    {
        Username = role,
        Password = _passwords[role],
        ApplicationName = applicationName,
        MaxPoolSize = 10,
    });

    /// <summary>Over the other address when it answers, else over the app database's own host (then only the program tells it apart).</summary>
    private async Task<NpgsqlConnection> AroundAsync(NpgsqlConnectionStringBuilder builder, CancellationToken cancellationToken)
    {
        builder.Pooling = false;
        var around = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Host = _options.AroundHost, Timeout = 3 };
        var connection = new NpgsqlConnection(around.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (NpgsqlException)
        {
            await connection.DisposeAsync();
        }
        catch (System.Net.Sockets.SocketException)
        {
            await connection.DisposeAsync();
        }

        var fallback = new NpgsqlConnection(builder.ConnectionString);
        await fallback.OpenAsync(cancellationToken);
        return fallback;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var pool in new[] { _backend, _worker }.Where(p => p.IsValueCreated))
        {
            await pool.Value.DisposeAsync();
        }
    }
}
