using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>
/// Delivers the outbox to Discord on the leading instance. Each message is claimed in the database before it is sent
/// (so no other dispatcher takes it) and marked sent after Discord answers 2xx; messages of one webhook go in order,
/// one at a time. Discord's 429 waits its <c>retry_after</c>, an exhausted <c>X-RateLimit-Remaining</c> waits its
/// <c>X-RateLimit-Reset-After</c>; 5xx, timeouts and refused connections are retried with backoff; a 4xx other than 429
/// (a deleted webhook, a refused body) and the last failed attempt move the message to the dead letters.
/// </summary>
/// <remarks>
/// The one case that can repeat a message: the instance dies after Discord took it and before it was marked sent.
/// Its claim then expires and it is sent again, because a lost alert is worse than a repeated one.
/// </remarks>
public sealed class DiscordDispatcher(
    AlertingLeader leader, AlertingDatabase database, AlertingSignals signals, IHttpClientFactory clients, IDataProtectionProvider protection,
    AlertingMetrics metrics, TimeProvider time, IOptions<AlertingOptions> options, ILogger<DiscordDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "discord";
    public static readonly TimeSpan ClaimFor = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_idle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromMinutes(5);

    /// <summary>Per webhook: no request before this time (Discord's rate-limit bucket said so).</summary>
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _blockedUntil = new();

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
                await signals.OutboxChanged.WaitAsync(wait, time, stoppingToken);
                wait = s_idle;
                while (leader.IsLeader && await RoundAsync(stoppingToken) > 0)
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The notification dispatcher failed a round; it carries on");
            }
        }
    }

    /// <summary>Sends the oldest due message of each webhook; returns how many were attempted.</summary>
    public async Task<int> RoundAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var claimed = await ClaimAsync(now, cancellationToken);
        await Task.WhenAll(claimed.Select(m => SendAsync(m, cancellationToken)));
        return claimed.Count;
    }

    private async Task<List<Claimed>> ClaimAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var blocked = _blockedUntil.Where(b => b.Value > now).Select(b => b.Key).ToArray();
        await using var connection = await database.OpenAsync(cancellationToken);
        // Only the head of each webhook's queue: a later message never overtakes an earlier one waiting for a retry.
        await using var command = new NpgsqlCommand("""
            WITH heads AS (
                SELECT DISTINCT ON (receiver) id, contact_point_id, next_attempt_at, claimed_until
                FROM notification_outbox WHERE sent_at IS NULL AND dead_at IS NULL
                ORDER BY receiver, id)
            UPDATE notification_outbox o SET claimed_until = @until, attempts = o.attempts + 1
            FROM (SELECT id FROM notification_outbox WHERE id IN (
                    SELECT id FROM heads WHERE next_attempt_at <= @now AND (claimed_until IS NULL OR claimed_until < @now)
                        AND (contact_point_id IS NULL OR NOT (contact_point_id = ANY(@blocked))))
                  AND sent_at IS NULL AND dead_at IS NULL
                  FOR UPDATE SKIP LOCKED) c
            WHERE o.id = c.id
            RETURNING o.id, o.contact_point_id, o.receiver, o.payload::text, o.attempts
            """, connection);
        command.Parameters.AddWithValue("until", now + ClaimFor);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("blocked", blocked);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var claimed = new List<Claimed>();
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new Claimed(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4)));
        }

        return claimed;
    }

    private async Task SendAsync(Claimed message, CancellationToken cancellationToken)
    {
        if (message.ContactPointId is not { } contactPointId || await ProtectedUrlAsync(contactPointId, cancellationToken) is not { } protectedUrl)
        {
            await DeadAsync(message, null, null, $"No contact point named \"{message.Receiver}\": create it, or route to one that exists.", cancellationToken);
            return;
        }

        string url;
        try
        {
            url = WebhookProtection.For(protection).Unprotect(protectedUrl);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            await DeadAsync(message, null, null, "The webhook address can no longer be decrypted (the app's keys changed): enter it again.", cancellationToken);
            return;
        }

        var answer = await DiscordWebhook.PostAsync(clients.CreateClient(HttpClientName), url, message.Payload, options.Value.DeliveryTimeout, cancellationToken);
        var now = time.GetUtcNow();
        if (answer.RateLimitResetAfter is { } reset)
        {
            _blockedUntil[contactPointId] = now + reset;
        }

        if (answer.IsSuccess)
        {
            metrics.Delivered("sent");
            await UpdateAsync(message, "UPDATE notification_outbox SET sent_at = @now, claimed_until = NULL, last_status = @status, last_response = @response, last_error = NULL WHERE id = @id",
                now, answer.Status, answer.Body, null, cancellationToken);
        }
        else if (answer.Status == (int)HttpStatusCode.TooManyRequests)
        {
            // Being asked to wait is not a failure: it does not count against the attempts.
            var retry = answer.RetryAfter ?? TimeSpan.FromSeconds(1);
            _blockedUntil[contactPointId] = now + retry;
            metrics.Delivered("rate_limited");
            await UpdateAsync(message, """
                UPDATE notification_outbox SET next_attempt_at = @next, claimed_until = NULL, attempts = attempts - 1, last_status = @status,
                    last_response = @response, last_error = @error WHERE id = @id
                """, now + retry, answer.Status, answer.Body, $"Discord asked to wait {retry.TotalSeconds:0.###} s", cancellationToken);
        }
        else if (answer.Status is >= 400 and < 500)
        {
            await DeadAsync(message, answer.Status, answer.Body, $"Discord refused it ({answer.Status}): retrying cannot help", cancellationToken);
        }
        else if (message.Attempts >= options.Value.MaxDeliveryAttempts)
        {
            await DeadAsync(message, answer.Status == 0 ? null : answer.Status, answer.Body,
                $"Failed {message.Attempts} times, last: {answer.Error ?? $"HTTP {answer.Status}"}", cancellationToken);
        }
        else
        {
            metrics.Delivered("retry");
            var backoff = TimeSpan.FromSeconds(Math.Min(s_maxBackoff.TotalSeconds, Math.Pow(2, message.Attempts - 1)));
            await UpdateAsync(message, """
                UPDATE notification_outbox SET next_attempt_at = @next, claimed_until = NULL, last_status = @status, last_response = @response, last_error = @error
                WHERE id = @id
                """, now + backoff, answer.Status == 0 ? null : answer.Status, answer.Body, answer.Error ?? $"HTTP {answer.Status}", cancellationToken);
        }
    }

    private async Task DeadAsync(Claimed message, int? status, string? body, string reason, CancellationToken cancellationToken)
    {
        metrics.Delivered("dead");
        logger.LogError("A notification to {Receiver} was moved to the dead letters: {Reason}", message.Receiver, reason);
        await UpdateAsync(message, "UPDATE notification_outbox SET dead_at = @now, claimed_until = NULL, last_status = @status, last_response = @response, last_error = @error WHERE id = @id",
            time.GetUtcNow(), status, body, reason, cancellationToken);
        signals.AlertsChanged.Raise();
    }

    private async Task UpdateAsync(Claimed message, string sql, DateTimeOffset time, int? status, string? body, string? error, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", message.Id);
        command.Parameters.AddWithValue("now", time);
        command.Parameters.AddWithValue("next", time);
        command.Parameters.AddWithValue("status", (object?)status ?? DBNull.Value);
        command.Parameters.AddWithValue("response", (object?)ShortText.CutOrNull(body, 2000) ?? DBNull.Value);
        command.Parameters.AddWithValue("error", (object?)ShortText.CutOrNull(error, 2000) ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private async Task<string?> ProtectedUrlAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT protected_url FROM contact_points WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private sealed record Claimed(long Id, Guid? ContactPointId, string Receiver, string Payload, int Attempts);
}
