using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Sandbox;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.Sandbox;

/// <summary>Whether this app runs the sandbox, decided once from its configuration, and why not when it does not.</summary>
public sealed record SandboxActivation(bool Active, string Reason);

/// <summary>
/// Runs the sandbox: makes its database ready before the app serves (so the audit trail's services find it), backfills
/// an hour of history into the logs, then plays TovPlay's traffic live until the app stops. A failure to prepare is
/// shown and retried; a failed request becomes what the backend would log (a 500 with the database's error).
/// </summary>
public sealed class SandboxRunner(
    IOptions<SandboxOptions> options, SandboxActivation activation, SandboxDatabase database, SandboxState state, TovPlayTraffic traffic, SandboxLog log,
    SandboxConnections connections, ILogSource logs, IncidentPlayer player, TimeProvider time, ILogger<SandboxRunner> logger) : BackgroundService
{
    private static readonly TimeSpan s_retry = TimeSpan.FromSeconds(10);
    private bool _prepared;

    private SandboxOptions Options => options.Value;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!activation.Active)
        {
            state.Set(SandboxPhase.Off, activation.Reason, time.GetUtcNow());
            return;
        }

        // Before the app serves: the audit trail's services and the first page then find the database ready.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await PrepareAsync(timeout.Token);
        await base.StartAsync(cancellationToken);
    }

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        state.Set(SandboxPhase.Preparing, $"Preparing the sandbox database {Options.Database}.", time.GetUtcNow());
        try
        {
            await database.PrepareAsync(Options.Database, cancellationToken);
            _prepared = true;
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            state.Set(SandboxPhase.Failed, $"The sandbox database {Options.Database} could not be prepared (retried every {s_retry.TotalSeconds:0} s): {ex.Message}", time.GetUtcNow());
            logger.LogError(ex, "The sandbox database {Database} could not be prepared; retrying", Options.Database);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!_prepared)
        {
            await Task.Delay(s_retry, time, stoppingToken);
            await PrepareAsync(stoppingToken);
        }

        state.Set(SandboxPhase.Backfilling, $"Writing the last {Options.History.TotalMinutes:0} minutes of history into the logs.", time.GetUtcNow());
        await BackfillAsync(stoppingToken);
        state.Set(SandboxPhase.Live, $"TovPlay's traffic is live: about {Options.RequestsPerMinute:0.#} requests a minute.", time.GetUtcNow());
        logger.LogInformation("Sandbox live: history backfilled in {Seconds:0.0} s", state.HistoryTook?.TotalSeconds);

        if (Options.PlayOnStart is { Length: > 0 } incident)
        {
            await PlayOnStartAsync(incident, stoppingToken);
        }

        var nextJob = time.GetUtcNow() + TimeSpan.FromMinutes(1);
        var run = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(traffic.Gap(Options.RequestsPerMinute), time, stoppingToken);
            try
            {
                await RequestAsync(stoppingToken);
                if (time.GetUtcNow() >= nextJob)
                {
                    nextJob += TovPlayTraffic.JobInterval;
                    await JobAsync(traffic.NextJob(run++), stoppingToken);
                }

                state.Fail(null);
            }
            catch (Exception ex) when (ex is NpgsqlException or HttpRequestException or LinesRefusedException or LogStore.LogStoreUnavailableException or TimeoutException)
            {
                // The next request tries again; the page shows the failure meanwhile.
                state.Fail(ex.Message);
                logger.LogWarning("Sandbox traffic failed: {Error}", ex.Message);
            }
        }
    }

    /// <summary>
    /// The history a start shows: from the traffic's newest line (or the configured span back) to now, lines only. Only
    /// the traffic's own lines count: the audit trail ships the sandbox database's preparation as env="sandbox" lines too,
    /// and one shipped before this query would otherwise leave the hour unwritten.
    /// </summary>
    private async Task BackfillAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var from = now - Options.History;
        try
        {
            var newest = await logs.QueryRangeAsync(
                new RangeQueryRequest(TovPlayTraffic.Selector, TimeWindow.Ns(from), TimeWindow.Ns(now)) { Limit = 1, Direction = Direction.Backward }, cancellationToken);
            if (newest.Streams.SelectMany(s => s.Entries).Select(e => (long?)e.TimestampNs).Max() is { } last)
            {
                from = DateTimeOffset.UnixEpoch.AddTicks(last / 100) + TimeSpan.FromMilliseconds(1);
            }

            await log.WriteAsync(traffic.History(from, now, Options.RequestsPerMinute), cancellationToken);
        }
        catch (Exception ex) when (ex is LogSourceException or HttpRequestException or LinesRefusedException or LogStore.LogStoreUnavailableException)
        {
            state.Fail($"The history could not be written: {ex.Message}");
            logger.LogError(ex, "The sandbox's history could not be written to the log store");
        }
    }

    private async Task PlayOnStartAsync(string slug, CancellationToken cancellationToken)
    {
        try
        {
            var sandbox = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "sandbox (--incident at start)")]));
            var play = await player.PlayAsync(slug, sandbox, cancellationToken);
            Console.Out.WriteLine($"Incident {slug} played at {Domain.Logs.UtcText.Millis(play.Playback.At)}; investigate it at /logs/{play.Played.Link}");
        }
        catch (Exception ex) when (ex is ArgumentException or NpgsqlException or InvalidOperationException or LinesRefusedException)
        {
            state.Fail($"The incident {slug} could not be played: {ex.Message}");
            logger.LogError(ex, "The incident {Incident} could not be played at start", slug);
        }
    }

    private async Task RequestAsync(CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow();
        var request = traffic.Next(at);
        long? rows = null;
        if (request.Transaction is { } transaction)
        {
            try
            {
                rows = await ExecuteAsync(SandboxConnection.Backend, transaction, cancellationToken);
            }
            catch (PostgresException ex)
            {
                // What the backend logs when its statement fails: the request failed with the database's error.
                request = request with
                {
                    Change = null,
                    Status = 500,
                    Error = TovPlayTraffic.Error(ex.SqlState.StartsWith("23", StringComparison.Ordinal) ? "IntegrityError" : "DatabaseError", ex.MessageText, request.Path),
                };
            }
        }

        await log.WriteAsync(request.Lines(at, rows), cancellationToken);
        state.Count(1, 0);
    }

    private async Task JobAsync(SandboxJob job, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var rows = await ExecuteAsync(SandboxConnection.Worker, job.Transaction, cancellationToken);
        await log.WriteAsync(job.Lines(started, (time.GetUtcNow() - started).TotalMilliseconds, rows), cancellationToken);
    }

    private async Task<long> ExecuteAsync(SandboxConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var open = await connections.OpenAsync(connection, cancellationToken);
        await using var command = new NpgsqlCommand(sql, open);
        return Math.Max(0, await command.ExecuteNonQueryAsync(cancellationToken));
    }
}
