using Npgsql;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>
/// Which app instance evaluates rules and delivers notifications: the one holding a PostgreSQL session-level
/// advisory lock on the app database. The lock lives with its session, so when an instance dies (or its connection
/// does) PostgreSQL releases it and the next instance that asks takes over. The leader checks its session on every
/// call and stops leading the moment the check fails.
/// </summary>
public sealed class AlertingLeader(IConfiguration configuration, ILogger<AlertingLeader> logger) : IAsyncDisposable
{
    /// <summary>"tovplayA" as a number: one key for the whole app database.</summary>
    public const long LockKey = 0x746F76706C617941;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private NpgsqlConnection? _session;

    public bool IsLeader => _session is not null;

    /// <summary>Leads if it can; true while this instance holds the lock.</summary>
    public async Task<bool> EnsureAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_session is not null)
            {
                try
                {
                    await using var ping = new NpgsqlCommand("SELECT 1", _session);
                    await ping.ExecuteScalarAsync(cancellationToken);
                    return true;
                }
                catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
                {
                    logger.LogWarning("Alerting leadership lost: its database session failed ({Reason})", ex.Message);
                    await DropAsync();
                    return false;
                }
            }

            // A session of its own, outside any pool (and PgBouncer): the lock must live exactly as long as it.
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionStrings.GetAppDbDirect(configuration))
            {
                Pooling = false,
                KeepAlive = 5,
                ApplicationName = "tovplay-logs alerting leader",
            }.ConnectionString);
            try
            {
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
                command.Parameters.AddWithValue("key", LockKey);
                if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
                {
                    _session = connection;
                    logger.LogInformation("This instance now evaluates alert rules and delivers notifications");
                    return true;
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
            {
                logger.LogWarning("Could not ask for alerting leadership: {Reason}", ex.Message);
            }

            await connection.DisposeAsync();
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Gives leadership up (on shutdown), so another instance takes over at once.</summary>
    public async Task ReleaseAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await DropAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task DropAsync()
    {
        if (_session is { } session)
        {
            _session = null;
            await session.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DropAsync();
        _gate.Dispose();
    }
}
