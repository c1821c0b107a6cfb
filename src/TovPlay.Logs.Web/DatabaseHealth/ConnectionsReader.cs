using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.DatabaseHealth;
using TovPlay.Logs.Web.Audit;

namespace TovPlay.Logs.Web.DatabaseHealth;

/// <summary>
/// Reads the audited database's connections from <c>pg_stat_activity</c> with the locks each waits on
/// (<c>pg_blocking_pids</c>) and the limits they count against. Other roles' query texts are visible only to a role
/// with <c>pg_read_all_stats</c> (in <c>pg_monitor</c>) or a superuser; without it PostgreSQL shows
/// "&lt;insufficient privilege&gt;", and so does the page.
/// </summary>
public sealed class ConnectionsReader(IOptions<AuditOptions> audit, IOptions<DatabaseHealthOptions> options)
{
    /// <summary>The longest query text kept (PostgreSQL itself keeps <c>track_activity_query_size</c> bytes).</summary>
    public const int MaxQueryChars = 4096;

    public bool IsConfigured => audit.Value.IsConfigured;

    public async Task<ConnectionSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(options.Value.ReadTimeout);
        await using var connection = await AuditDatabase.OpenAsync(audit.Value, bound.Token);
        await using var command = new NpgsqlCommand($"""
            SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int,
                   coalesce(current_setting('reserved_connections', true), '0')::int, now();
            SELECT pid, coalesce(backend_type, ''), datname, usename, application_name, host(client_addr), state,
                   backend_start, xact_start, query_start, state_change, wait_event_type, wait_event,
                   left(query, {MaxQueryChars}), pg_blocking_pids(pid)
            FROM pg_stat_activity
            WHERE pid <> pg_backend_pid()
            ORDER BY pid
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(bound.Token);
        await reader.ReadAsync(bound.Token);
        var (max, superuser, reserved) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
        var at = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc));
        await reader.NextResultAsync(bound.Token);
        var backends = new List<Backend>();
        while (await reader.ReadAsync(bound.Token))
        {
            backends.Add(new Backend(
                reader.GetInt32(0), reader.GetString(1), Text(reader, 2), Text(reader, 3), Text(reader, 4), Text(reader, 5), Text(reader, 6),
                Time(reader, 7), Time(reader, 8), Time(reader, 9), Time(reader, 10), Text(reader, 11), Text(reader, 12), Text(reader, 13),
                reader.IsDBNull(14) ? [] : reader.GetFieldValue<int[]>(14)));
        }

        // Ages by the server's own clock, the one its start times were taken by: a skewed app host cannot age every session.
        return new ConnectionSnapshot(at, max, superuser, reserved, backends);
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? Time(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));
}
