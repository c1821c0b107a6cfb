using Npgsql;
using NpgsqlTypes;
using TovPlay.Logs.Domain.Alerting;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>
/// Alerts received from outside (a Prometheus or Loki ruler, another Alertmanager), kept as alerts like ours so they go
/// through the same routing, silences, history and Discord messages. A firing alert whose sender announced an end
/// resolves when that end passes without news, as in Alertmanager.
/// </summary>
public sealed class ExternalAlertStore(AlertingDatabase database, AlertingSignals signals, TimeProvider time)
{
    public const string Origin = "external";

    public async Task<(int Firing, int Resolved)> ReceiveAsync(IReadOnlyList<ExternalAlert> alerts, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // The same alert twice in one body: the last word counts.
        var latest = alerts.GroupBy(a => a.Fingerprint).Select(g => g.Last()).ToList();
        await using var connection = await database.OpenAsync(cancellationToken);
        var states = new Dictionary<string, string>();
        await using (var select = new NpgsqlCommand("SELECT fingerprint, state FROM alert_instances WHERE origin = @origin AND rule_id IS NULL AND fingerprint = ANY(@f)", connection))
        {
            select.Parameters.AddWithValue("origin", Origin);
            select.Parameters.AddWithValue("f", latest.Select(a => a.Fingerprint).ToArray());
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                states[reader.GetString(0)] = reader.GetString(1);
            }
        }

        await using var batch = new NpgsqlBatch(connection);
        foreach (var alert in latest)
        {
            var was = states.GetValueOrDefault(alert.Fingerprint, nameof(AlertState.Normal));
            var state = alert.Resolved ? nameof(AlertState.Normal) : nameof(AlertState.Firing);
            var upsert = new NpgsqlBatchCommand("""
                INSERT INTO alert_instances (rule_id, origin, fingerprint, labels, annotations, state, starts_at, ends_at, expires_at, generator_url, updated_at)
                VALUES (NULL, @origin, @fingerprint, @labels::jsonb, @annotations::jsonb, @state, @starts, @ends, @expires, @generator, @now)
                ON CONFLICT (origin, rule_id, fingerprint) DO UPDATE SET labels = excluded.labels, annotations = excluded.annotations, state = excluded.state,
                    starts_at = CASE WHEN alert_instances.state = 'Firing' AND excluded.state = 'Firing' THEN alert_instances.starts_at ELSE excluded.starts_at END,
                    ends_at = excluded.ends_at, expires_at = excluded.expires_at, generator_url = excluded.generator_url, updated_at = excluded.updated_at
                """);
            upsert.Parameters.AddWithValue("origin", Origin);
            upsert.Parameters.AddWithValue("fingerprint", alert.Fingerprint);
            upsert.Parameters.AddWithValue("labels", AlertStateStore.LabelsJson(alert.Labels));
            upsert.Parameters.AddWithValue("annotations", AlertRuleMapping.Json(alert.Annotations));
            upsert.Parameters.AddWithValue("state", state);
            upsert.Parameters.AddWithValue("starts", alert.StartsAt);
            upsert.Parameters.Add(new NpgsqlParameter("ends", NpgsqlDbType.TimestampTz) { Value = alert.Resolved ? (alert.EndsAt ?? now) : DBNull.Value });
            upsert.Parameters.Add(new NpgsqlParameter("expires", NpgsqlDbType.TimestampTz) { Value = !alert.Resolved && alert.EndsAt is { } end ? end : DBNull.Value });
            upsert.Parameters.AddWithValue("generator", (object?)alert.GeneratorUrl ?? DBNull.Value);
            upsert.Parameters.AddWithValue("now", now);
            batch.BatchCommands.Add(upsert);
            if (was != state)
            {
                var history = new NpgsqlBatchCommand("""
                    INSERT INTO alert_state_history (rule_id, fingerprint, labels, from_state, to_state, at) VALUES (NULL, @fingerprint, @labels::jsonb, @from, @to, @at)
                    """);
                history.Parameters.AddWithValue("fingerprint", alert.Fingerprint);
                history.Parameters.AddWithValue("labels", AlertStateStore.LabelsJson(alert.Labels));
                history.Parameters.AddWithValue("from", was);
                history.Parameters.AddWithValue("to", state);
                history.Parameters.AddWithValue("at", alert.Resolved ? alert.EndsAt ?? now : alert.StartsAt);
                batch.BatchCommands.Add(history);
            }
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        signals.AlertsChanged.Raise();
        return (latest.Count(a => !a.Resolved), latest.Count(a => a.Resolved));
    }

    /// <summary>Resolves the firing external alerts whose announced end has passed; returns how many.</summary>
    public static async Task<int> ExpireAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            WITH expired AS (
                UPDATE alert_instances SET state = 'Normal', ends_at = expires_at, expires_at = NULL, updated_at = @now
                WHERE origin = @origin AND state = 'Firing' AND expires_at <= @now
                RETURNING fingerprint, labels, ends_at)
            INSERT INTO alert_state_history (rule_id, fingerprint, labels, from_state, to_state, at)
            SELECT NULL, fingerprint, labels, 'Firing', 'Normal', ends_at FROM expired
            """, connection);
        command.Parameters.AddWithValue("origin", Origin);
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
