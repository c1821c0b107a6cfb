using System.Security.Claims;
using Npgsql;
using TovPlay.Logs.Domain.Sandbox;
using TovPlay.Logs.Domain.Sandbox.Incidents;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Sandbox;

/// <summary>What a play gives back: the incident, its playback, and the played record the page shows.</summary>
public sealed record IncidentPlay(SandboxIncident Incident, IncidentPlayback Playback, PlayedIncident Played);

/// <summary>
/// Plays an incident into the running sandbox, over its live traffic, through the real paths: its statements over real
/// connections (the backend's, the worker's, or a person's from around the application) so the audit triggers record
/// them as production would, and its lines through the log sink.
/// </summary>
public sealed class IncidentPlayer(
    SandboxConnections connections, SandboxLog log, SandboxState state, TovPlayTraffic traffic, IServiceScopeFactory scopes, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<Audit.AuditOptions> audit, ILogger<IncidentPlayer> logger)
{
    /// <summary>The incidents to offer (their titles and summaries; each play builds its own with fresh ids).</summary>
    public IReadOnlyList<SandboxIncident> Incidents { get; } = IncidentCatalog.All(connections.Roles, connections.Superuser);

    /// <summary>Plays the incident named <paramref name="slug"/>; the play is written to the app's audit trail as <paramref name="by"/>'s.</summary>
    public async Task<IncidentPlay> PlayAsync(string slug, ClaimsPrincipal by, CancellationToken cancellationToken)
    {
        if (!state.Ready)
        {
            throw new InvalidOperationException($"The sandbox is not running ({state.Phase}: {state.Reason}).");
        }

        var incident = IncidentCatalog.Build(slug, new Random(), connections.Roles, connections.Superuser)
            ?? throw new ArgumentException($"There is no incident \"{slug}\": use one of {string.Join(", ", IncidentCatalog.Slugs)}.", nameof(slug));
        var started = time.GetUtcNow();
        var runs = new List<IncidentRun>();
        var lines = new List<SandboxLine>();
        foreach (var step in incident.Steps)
        {
            if (step.Statement is not { } statement)
            {
                lines.AddRange(step.Lines(started + step.Offset, null));
                continue;
            }

            var ran = await RunAsync(statement, cancellationToken);
            runs.Add(ran);
            lines.AddRange(step.Lines(ran.From, ran.Rows));
        }

        await log.WriteAsync(lines, cancellationToken);
        if (incident.SlowDown is { } slow)
        {
            traffic.SlowDown(slow.Path, time.GetUtcNow() + slow.For, slow.MinMs, slow.MaxMs);
        }

        var playback = new IncidentPlayback(started, runs);
        var played = new PlayedIncident(slug, incident.Title, started, by.Identity?.Name ?? AppAuditEntry.System, incident.InvestigationLink(playback), incident.Story(playback));
        state.Add(played);
        await using (var scope = scopes.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AppAuditLog>().WriteAsync(
                AppAuditEntry.By(by, AppAuditActions.SandboxIncidentPlayed, slug, details: $"{incident.Title}; {runs.Count} statement(s), {playback.Rows} row(s)"), cancellationToken);
        }

        logger.LogInformation("Sandbox incident {Incident} played; investigate it at {Link}", slug, played.Link);
        return new IncidentPlay(incident, playback, played);
    }

    private async Task<IncidentRun> RunAsync(IncidentStatement statement, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(statement.Connection, cancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid(), host(inet_client_addr())", connection);
        int pid;
        string? address;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (pid, address) = (reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1));
        }

        var at = time.GetUtcNow();
        command.CommandText = statement.Sql;
        try
        {
            var affected = await command.ExecuteNonQueryAsync(cancellationToken);
            var to = time.GetUtcNow();
            // Counted after, from the trail: a count before would race the live traffic's own inserts and deletes.
            var kept = statement.Destroys is { } table ? await KeptAsync(pid, table, at, cancellationToken) : null;
            return new IncidentRun(pid, address, at, to, kept ?? Math.Max(0, affected));
        }
        catch (PostgresException refused) when (statement.Refused && refused.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            return new IncidentRun(pid, address, at, time.GetUtcNow(), 0) { Refusal = refused.MessageText };
        }
    }

    /// <summary>The rows of <paramref name="table"/> the audit trail kept of what the backend removed from <paramref name="at"/> on.</summary>
    private async Task<long?> KeptAsync(int pid, string table, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connections.SuperuserConnection);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SELECT sum(row_count)::bigint FROM {Domain.Audit.SqlText.Qualified(audit.Value.Schema, "statements")}
            WHERE backend_pid = @pid AND table_name = @table AND statement_at >= @at AND action IN ({Domain.Audit.AuditStatement.SqlList(Domain.Audit.AuditStatement.RemovingActions)})
            """, connection);
        command.Parameters.AddWithValue("pid", pid);
        command.Parameters.AddWithValue("table", table);
        command.Parameters.AddWithValue("at", at.AddMilliseconds(-5));
        return await command.ExecuteScalarAsync(cancellationToken) is long rows ? rows : null;
    }
}
