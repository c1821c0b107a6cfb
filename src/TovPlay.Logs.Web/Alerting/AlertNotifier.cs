using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>
/// Alertmanager's dispatcher on the leading instance: routes every alert through the policy tree into aggregation
/// groups, flushes each group after its group_wait and then every group_interval, and when the receiver must hear
/// something (Alertmanager's deduplication) queues the message in the outbox in the same transaction that records
/// what was told. Silenced alerts are left out; a policy inside a mute timing sends nothing.
/// </summary>
public sealed class AlertNotifier(
    AlertingLeader leader, AlertingDatabase database, AlertingConfigurationReader configuration, AlertingSignals signals, TimeProvider time,
    IOptions<AlertingOptions> options, ILogger<AlertNotifier> logger) : BackgroundService
{
    private static readonly TimeSpan s_idle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_upkeepEvery = TimeSpan.FromMinutes(10);
    private DateTimeOffset _nextUpkeep;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var wait = s_idle;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signals.AlertsChanged.WaitAsync(wait, time, stoppingToken);
                wait = leader.IsLeader ? await PassAsync(stoppingToken) : s_idle;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The alert notifier failed a pass; it carries on");
                wait = s_idle;
            }
        }
    }

    /// <summary>One pass: returns how long until the next group is due.</summary>
    public async Task<TimeSpan> PassAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var config = await configuration.ReadAsync(cancellationToken);
        await using (var expiring = await database.OpenAsync(cancellationToken))
        {
            await ExternalAlertStore.ExpireAsync(expiring, now, cancellationToken);
        }

        var alerts = await ReadAlertsAsync(now, cancellationToken);
        var work = new Dictionary<(string Receiver, string GroupKey), GroupWork>();
        foreach (var alert in alerts)
        {
            foreach (var destination in AlertRouting.Route(config.Root, alert.Labels).Where(d => d.Receiver.Length > 0))
            {
                var key = (destination.Receiver, destination.GroupKey);
                if (!work.TryGetValue(key, out var group))
                {
                    work[key] = group = new GroupWork(destination);
                }

                group.Alerts.Add(alert);
            }
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var groups = await GroupsAsync(connection, cancellationToken);
        var created = false;
        foreach (var (key, group) in work)
        {
            if (!groups.ContainsKey(key) && group.Alerts.Any(a => a.Active && !config.Silenced(a.Labels, now)))
            {
                await CreateGroupAsync(connection, group.Destination, now, cancellationToken);
                created = true;
            }
        }

        if (created)
        {
            groups = await GroupsAsync(connection, cancellationToken);
        }

        var queued = false;
        foreach (var (key, group) in groups)
        {
            if (group.NextFlushAt <= now)
            {
                queued |= await FlushAsync(connection, group.Id, work.GetValueOrDefault(key), config, now, cancellationToken);
            }
        }

        if (queued)
        {
            signals.OutboxChanged.Raise();
        }

        if (now >= _nextUpkeep)
        {
            _nextUpkeep = now + s_upkeepEvery;
            await UpkeepAsync(connection, now, cancellationToken);
        }

        var next = (await GroupsAsync(connection, cancellationToken)).Values.Select(g => g.NextFlushAt).DefaultIfEmpty(now + s_idle).Min();
        var wait = next - time.GetUtcNow();
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > s_idle ? s_idle : wait;
    }

    /// <summary>Flushes one group under its row lock; true when a message was queued.</summary>
    private async Task<bool> FlushAsync(NpgsqlConnection connection, long id, GroupWork? work, AlertingConfiguration config, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        GroupRow? row;
        await using (var select = new NpgsqlCommand("""
            SELECT receiver, group_key, group_labels, last_notified_at, notified_firing, notified_resolved, sequence
            FROM notification_groups WHERE id = @id AND next_flush_at <= @now FOR UPDATE SKIP LOCKED
            """, connection, transaction))
        {
            select.Parameters.AddWithValue("id", id);
            select.Parameters.AddWithValue("now", now);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            row = await reader.ReadAsync(cancellationToken)
                ? new GroupRow(reader.GetString(0), reader.GetString(1), AlertStateStore.Labels(reader.GetString(2)),
                    reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<string[]>(4), reader.GetFieldValue<string[]>(5), reader.GetInt32(6))
                : null;
        }

        if (row is null)
        {
            // Another pass (or instance) flushed it meanwhile.
            return false;
        }

        var alerts = work?.Alerts ?? [];
        var notifiedFiring = row.NotifiedFiring.ToHashSet(StringComparer.Ordinal);
        var firing = alerts.Where(a => a.Active && !config.Silenced(a.Labels, now)).ToList();
        var resolved = alerts.Where(a => !a.Active && notifiedFiring.Contains(a.Fingerprint) && !config.Silenced(a.Labels, now)).ToList();
        var destination = work?.Destination;
        var interval = destination?.GroupInterval ?? AlertRouting.DefaultGroupInterval;
        config.ContactPoints.TryGetValue(row.Receiver, out var contactPoint);
        var sendResolved = contactPoint?.SendResolved ?? true;
        var entry = row.LastNotifiedAt is { } at ? new NotificationLogEntry(notifiedFiring, row.NotifiedResolved.ToHashSet(StringComparer.Ordinal), at) : null;
        var firingSet = firing.Select(a => a.Fingerprint).ToHashSet(StringComparer.Ordinal);
        var resolvedSet = resolved.Select(a => a.Fingerprint).ToHashSet(StringComparer.Ordinal);
        var muted = destination is not null && config.Muted(destination, now);
        var notify = !muted && NotificationDecision.NeedsUpdate(entry, firingSet, resolvedSet, now, destination?.RepeatInterval ?? AlertRouting.DefaultRepeatInterval, sendResolved);
        var queued = false;
        if (notify)
        {
            var sent = firing.Concat(sendResolved ? resolved : []).Select(a => a.ToNotified(options.Value.ExternalUrl, now)).ToList();
            if (sent.Count > 0)
            {
                var notification = new AlertNotification(row.Receiver, row.GroupKey, row.GroupLabels, sent, options.Value.ExternalUrl);
                var payload = contactPoint is null ? null : DiscordMessage.Build(notification, contactPoint.Settings, now);
                await using var insert = new NpgsqlCommand("""
                    INSERT INTO notification_outbox (idempotency_key, contact_point_id, receiver, group_key, payload, title, created_at, next_attempt_at, attempts)
                    VALUES (@key, @contact, @receiver, @group, @payload::jsonb, @title, @now, @now, 0)
                    ON CONFLICT (idempotency_key) DO NOTHING
                    """, connection, transaction);
                // The group's row id is never reused: a group deleted when all resolved and made anew when its alerts fire
                // again starts its sequence over, and must not meet its predecessor's keys.
                insert.Parameters.AddWithValue("key", $"{id}\n{row.Sequence + 1}\n{row.Receiver}\n{row.GroupKey}");
                insert.Parameters.AddWithValue("contact", (object?)contactPoint?.Id ?? DBNull.Value);
                insert.Parameters.AddWithValue("receiver", row.Receiver);
                insert.Parameters.AddWithValue("group", row.GroupKey);
                insert.Parameters.AddWithValue("payload", payload is null ? "{}" : JsonSerializer.Serialize(payload));
                insert.Parameters.AddWithValue("title", DiscordMessage.Truncate(payload?.Embeds[0].Title ?? $"{notification.Status}: {row.GroupLabels}", 300));
                insert.Parameters.AddWithValue("now", now);
                queued = await insert.ExecuteNonQueryAsync(cancellationToken) > 0;
            }
        }

        var done = firing.Count == 0 && (notify || notifiedFiring.Count == 0 || !alerts.Any(a => notifiedFiring.Contains(a.Fingerprint)));
        await using (var update = new NpgsqlCommand(done
            ? "DELETE FROM notification_groups WHERE id = @id"
            : notify
                ? """
                  UPDATE notification_groups SET next_flush_at = @next, last_notified_at = @now, notified_firing = @firing, notified_resolved = @resolved,
                      sequence = sequence + 1 WHERE id = @id
                  """
                : "UPDATE notification_groups SET next_flush_at = @next WHERE id = @id", connection, transaction))
        {
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("next", now + interval);
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("firing", firingSet.ToArray());
            update.Parameters.AddWithValue("resolved", resolvedSet.ToArray());
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return queued;
    }

    private static async Task CreateGroupAsync(NpgsqlConnection connection, AlertDestination destination, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO notification_groups (receiver, group_key, group_labels, created_at, next_flush_at, notified_firing, notified_resolved, sequence)
            VALUES (@receiver, @key, @labels::jsonb, @now, @flush, '{}', '{}', 0)
            ON CONFLICT (receiver, group_key) DO NOTHING
            """, connection);
        command.Parameters.AddWithValue("receiver", destination.Receiver);
        command.Parameters.AddWithValue("key", destination.GroupKey);
        command.Parameters.AddWithValue("labels", AlertStateStore.LabelsJson(destination.GroupLabels));
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("flush", now + destination.GroupWait);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<Dictionary<(string Receiver, string GroupKey), (long Id, DateTimeOffset NextFlushAt)>> GroupsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT id, receiver, group_key, next_flush_at FROM notification_groups", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var groups = new Dictionary<(string, string), (long, DateTimeOffset)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            groups[(reader.GetString(1), reader.GetString(2))] = (reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(3));
        }

        return groups;
    }

    /// <summary>
    /// Active alerts, and those resolved recently enough that a receiver may still have to hear it (an external alert
    /// by when its resolution arrived: its sender's end may be long past).
    /// </summary>
    private async Task<List<RoutedAlert>> ReadAlertsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT i.fingerprint, i.labels, i.annotations, i.state, i.starts_at, i.ends_at, i.value, i.log_lines, i.generator_url, r.source, r.query
            FROM alert_instances i LEFT JOIN alert_rules r ON r.id = i.rule_id
            WHERE i.state IN ('Firing', 'NoData', 'Error') OR i.ends_at > @since OR (i.origin = 'external' AND i.updated_at > @since)
            """, connection);
        command.Parameters.AddWithValue("since", now - AlertStateStore.KeepResolved);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var alerts = new List<RoutedAlert>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var state = Enum.Parse<AlertState>(reader.GetString(3));
            alerts.Add(new RoutedAlert(
                reader.GetString(0), AlertStateStore.Labels(reader.GetString(1)), AlertRuleMapping.Map(reader.GetString(2)), state,
                reader.IsDBNull(4) ? now : reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetDouble(6),
                reader.IsDBNull(7) ? [] : JsonSerializer.Deserialize<List<string>>(reader.GetString(7)) ?? [],
                reader.IsDBNull(8) ? null : reader.GetString(8),
                !reader.IsDBNull(9) && reader.GetString(9) == nameof(AlertDataSource.LogQL) ? reader.GetString(10) : null));
        }

        return alerts;
    }

    /// <summary>History past its retention, delivered messages older than the history, external alerts whose end has come.</summary>
    private async Task UpkeepAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("DELETE FROM alert_state_history WHERE at < @cutoff"),
                new NpgsqlBatchCommand("DELETE FROM notification_outbox WHERE (sent_at < @cutoff OR dead_at < @cutoff)"),
                new NpgsqlBatchCommand("DELETE FROM alert_instances WHERE origin = 'external' AND ends_at < @resolvedCutoff"),
            },
        };
        foreach (NpgsqlBatchCommand command in batch.BatchCommands)
        {
            command.Parameters.AddWithValue("cutoff", now.AddDays(-Math.Max(1, options.Value.HistoryDays)));
            command.Parameters.AddWithValue("resolvedCutoff", now - AlertStateStore.KeepResolved);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record GroupRow(string Receiver, string GroupKey, LabelSet GroupLabels, DateTimeOffset? LastNotifiedAt, string[] NotifiedFiring, string[] NotifiedResolved, int Sequence);

    private sealed class GroupWork(AlertDestination destination)
    {
        public AlertDestination Destination { get; } = destination;

        public List<RoutedAlert> Alerts { get; } = [];
    }
}

/// <summary>An alert as the notifier reads it; <see cref="LogQuery"/> is its rule's query when that is LogQL.</summary>
internal sealed record RoutedAlert(string Fingerprint, LabelSet Labels, IReadOnlyDictionary<string, string> Annotations, AlertState State,
    DateTimeOffset StartsAt, DateTimeOffset? EndsAt, double? Value, IReadOnlyList<string> LogLines, string? GeneratorUrl, string? LogQuery)
{
    public bool Active => AlertTransition.IsActive(State);

    public NotifiedAlert ToNotified(string externalUrl, DateTimeOffset now) => new(Fingerprint, Labels, Annotations, State, StartsAt)
    {
        EndsAt = Active ? null : EndsAt ?? now,
        Value = Value,
        GeneratorUrl = GeneratorUrl,
        LogLines = LogLines,
        SearchUrl = LogQuery is null ? null : AlertLinks.Search(externalUrl, LogQuery, StartsAt.AddMinutes(-15), EndsAt ?? now),
        InvestigateUrl = AlertLinks.Investigate(externalUrl, Annotations, StartsAt),
    };
}
