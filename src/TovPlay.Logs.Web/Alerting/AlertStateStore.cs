using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>A state change to record in the history.</summary>
public sealed record HistoryEntry(Guid? RuleId, TrackedInstance Instance, AlertTransition Transition);

/// <summary>
/// Reads and writes alert instances, their history and the rules' health, one round trip per evaluation. An instance
/// is kept while it is returned, active, or resolved less than a day ago (its resolution must still be notified);
/// the others are removed, so the table holds what matters now.
/// </summary>
public sealed class AlertStateStore(AlertingDatabase database)
{
    public static readonly TimeSpan KeepResolved = TimeSpan.FromDays(1);

    public async Task<Dictionary<LabelSet, TrackedInstance>> LoadAsync(Guid ruleId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT labels, state, active_since, firing_since, last_breach, starts_at, ends_at, value, error, annotations, log_lines, last_evaluated_at
            FROM alert_instances WHERE origin = 'rule' AND rule_id = @rule
            """, connection);
        command.Parameters.AddWithValue("rule", ruleId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var instances = new Dictionary<LabelSet, TrackedInstance>();
        while (await reader.ReadAsync(cancellationToken))
        {
            DateTimeOffset? At(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
            var state = Enum.Parse<AlertState>(reader.GetString(1));
            var instance = new TrackedInstance(Labels(reader.GetString(0)))
            {
                State = new AlertInstanceState(state, At(2), At(3), At(4), reader.IsDBNull(8) ? null : reader.GetString(8)),
                StartsAt = At(5),
                EndsAt = At(6),
                Value = reader.IsDBNull(7) ? null : reader.GetDouble(7),
                Error = reader.IsDBNull(8) ? null : reader.GetString(8),
                Annotations = AlertRuleMapping.Map(reader.GetString(9)),
                LogLines = reader.IsDBNull(10) ? [] : JsonSerializer.Deserialize<List<string>>(reader.GetString(10)) ?? [],
                LastEvaluatedAt = At(11),
            };
            instances[instance.Labels] = instance;
        }

        return instances;
    }

    /// <summary>Writes one evaluation: the instances, the history of their changes, the rule's health.</summary>
    public async Task SaveAsync(Guid ruleId, IReadOnlyCollection<TrackedInstance> instances, IReadOnlyList<HistoryEntry> history, RuleHealth health,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        var keep = instances.Where(i => Keeps(i, now)).ToList();
        if (keep.Count > 0)
        {
            var upsert = new NpgsqlBatchCommand("""
                INSERT INTO alert_instances (rule_id, origin, fingerprint, labels, annotations, state, active_since, firing_since, last_breach,
                    starts_at, ends_at, value, error, log_lines, generator_url, last_evaluated_at, updated_at)
                SELECT @rule, 'rule', f, l::jsonb, a::jsonb, s, act, fir, br, st, en, v, e, ll::jsonb, @generator, @now, @now
                FROM unnest(@f, @l, @a, @s, @act, @fir, @br, @st, @en, @v, @e, @ll) AS t(f, l, a, s, act, fir, br, st, en, v, e, ll)
                ON CONFLICT (origin, rule_id, fingerprint) DO UPDATE SET
                    labels = excluded.labels, annotations = excluded.annotations, state = excluded.state, active_since = excluded.active_since,
                    firing_since = excluded.firing_since, last_breach = excluded.last_breach, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
                    value = excluded.value, error = excluded.error, log_lines = excluded.log_lines, last_evaluated_at = excluded.last_evaluated_at,
                    updated_at = excluded.updated_at
                """);
            upsert.Parameters.AddWithValue("rule", ruleId);
            upsert.Parameters.AddWithValue("generator", health.GeneratorUrl);
            upsert.Parameters.AddWithValue("now", now);
            upsert.Parameters.AddWithValue("f", keep.Select(i => i.Fingerprint).ToArray());
            upsert.Parameters.AddWithValue("l", keep.Select(i => LabelsJson(i.Labels)).ToArray());
            upsert.Parameters.AddWithValue("a", keep.Select(i => AlertRuleMapping.Json(i.Annotations)).ToArray());
            upsert.Parameters.AddWithValue("s", keep.Select(i => i.State.State.ToString()).ToArray());
            AddTimes(upsert, "act", keep.Select(i => i.State.ActiveSince));
            AddTimes(upsert, "fir", keep.Select(i => i.State.FiringSince));
            AddTimes(upsert, "br", keep.Select(i => i.State.LastBreach));
            AddTimes(upsert, "st", keep.Select(i => i.StartsAt));
            AddTimes(upsert, "en", keep.Select(i => i.EndsAt));
            upsert.Parameters.Add(new NpgsqlParameter("v", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = keep.Select(i => i.Value).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter("e", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = keep.Select(i => ShortText.CutOrNull(i.Error, 2000)).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter("ll", NpgsqlDbType.Array | NpgsqlDbType.Text)
            {
                Value = keep.Select(i => i.LogLines.Count == 0 ? null : JsonSerializer.Serialize(i.LogLines)).ToArray(),
            });
            batch.BatchCommands.Add(upsert);
        }

        var delete = new NpgsqlBatchCommand("DELETE FROM alert_instances WHERE origin = 'rule' AND rule_id = @rule AND NOT (fingerprint = ANY(@keep))");
        delete.Parameters.AddWithValue("rule", ruleId);
        delete.Parameters.AddWithValue("keep", keep.Select(i => i.Fingerprint).ToArray());
        batch.BatchCommands.Add(delete);

        foreach (var entry in history)
        {
            var insert = new NpgsqlBatchCommand("""
                INSERT INTO alert_state_history (rule_id, fingerprint, labels, from_state, to_state, at, value, error)
                VALUES (@rule, @fingerprint, @labels::jsonb, @from, @to, @at, @value, @error)
                """);
            insert.Parameters.AddWithValue("rule", (object?)entry.RuleId ?? DBNull.Value);
            insert.Parameters.AddWithValue("fingerprint", entry.Instance.Fingerprint);
            insert.Parameters.AddWithValue("labels", LabelsJson(entry.Instance.Labels));
            insert.Parameters.AddWithValue("from", entry.Transition.From.ToString());
            insert.Parameters.AddWithValue("to", entry.Transition.To.ToString());
            insert.Parameters.AddWithValue("at", entry.Transition.At);
            insert.Parameters.AddWithValue("value", (object?)entry.Instance.Value ?? DBNull.Value);
            insert.Parameters.AddWithValue("error", (object?)ShortText.CutOrNull(entry.Transition.Error, 2000) ?? DBNull.Value);
            batch.BatchCommands.Add(insert);
        }

        var healthCommand = new NpgsqlBatchCommand("""
            INSERT INTO alert_rule_health (rule_id, last_evaluated_at, next_evaluation_at, last_duration_ms, last_lag_ms, last_error, evaluations)
            VALUES (@rule, @at, @next, @duration, @lag, @error, 1)
            ON CONFLICT (rule_id) DO UPDATE SET last_evaluated_at = excluded.last_evaluated_at, next_evaluation_at = excluded.next_evaluation_at,
                last_duration_ms = excluded.last_duration_ms, last_lag_ms = excluded.last_lag_ms, last_error = excluded.last_error,
                evaluations = alert_rule_health.evaluations + 1
            """);
        healthCommand.Parameters.AddWithValue("rule", ruleId);
        healthCommand.Parameters.AddWithValue("at", health.EvaluatedAt);
        healthCommand.Parameters.AddWithValue("next", health.NextAt);
        healthCommand.Parameters.AddWithValue("duration", health.Duration.TotalMilliseconds);
        healthCommand.Parameters.AddWithValue("lag", health.Lag.TotalMilliseconds);
        healthCommand.Parameters.AddWithValue("error", (object?)ShortText.CutOrNull(health.Error, 2000) ?? DBNull.Value);
        batch.BatchCommands.Add(healthCommand);
        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // The rule was deleted while it was being evaluated: nothing of it is kept.
        }
    }

    /// <summary>Kept: returned now, not Normal, or resolved recently enough that its resolution may still be notified.</summary>
    private static bool Keeps(TrackedInstance instance, DateTimeOffset now) =>
        instance.Current || instance.State.State != AlertState.Normal || (instance.EndsAt is { } ended && now - ended < KeepResolved);

    private static void AddTimes(NpgsqlBatchCommand command, string name, IEnumerable<DateTimeOffset?> values) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = values.Select(v => v?.UtcDateTime).ToArray() });

    public static string LabelsJson(LabelSet labels) => JsonSerializer.Serialize(labels.Pairs.ToDictionary(p => p.Key, p => p.Value));

    public static LabelSet Labels(string json) =>
        LabelSet.From(JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [], keepEmpty: true);
}

/// <summary>What an evaluation tells about its rule.</summary>
public sealed record RuleHealth(DateTimeOffset EvaluatedAt, DateTimeOffset NextAt, TimeSpan Duration, TimeSpan Lag, string? Error, string GeneratorUrl);
