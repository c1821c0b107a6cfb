using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.DatabaseHealth;

namespace TovPlay.Logs.Web.DatabaseHealth;

/// <summary>
/// Samples the audited database's connections (and PgBouncer's pools) every <see cref="DatabaseHealthOptions.SampleInterval"/>
/// into the app database, on the interval's grid so that several instances keep one row per instant, and drops
/// samples older than the retention. A reading that fails is logged and told on the page; sampling goes on.
/// </summary>
public sealed class DatabaseSampler(
    ConnectionsReader connections, PgBouncerReader bouncer, DatabaseSamples samples, IOptions<DatabaseHealthOptions> options, TimeProvider time,
    ILogger<DatabaseSampler> logger) : BackgroundService
{
    private static readonly TimeSpan s_pruneEvery = TimeSpan.FromHours(1);

    /// <summary>Why the last sample could not be taken, or null when it was.</summary>
    public string? LastError { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SamplingEnabled || !connections.IsConfigured)
        {
            return;
        }

        var interval = options.Value.SampleInterval;
        var pruned = DateTimeOffset.MinValue;
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            var now = time.GetUtcNow();
            try
            {
                await SampleAsync(Grid(now, interval), stoppingToken);
                if (now - pruned >= s_pruneEvery)
                {
                    await samples.PruneAsync(now - options.Value.Retention, stoppingToken);
                    pruned = now;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LastError = ex.Message;
                logger.LogWarning(ex, "The database's connections could not be sampled");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task SampleAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var snapshot = await connections.ReadAsync(cancellationToken);
        BouncerState? pools = null;
        if (bouncer.IsConfigured)
        {
            try
            {
                pools = await bouncer.ReadAsync(cancellationToken);
            }
            catch (Exception ex) when (PgBouncerReader.CouldNotRead(ex, cancellationToken))
            {
                // The database's own figures are still worth keeping.
                LastError = "PgBouncer: " + ex.Message;
                logger.LogWarning(ex, "PgBouncer's pools could not be sampled");
            }
        }

        await samples.AddAsync(at, snapshot, pools, cancellationToken);
        if (pools is not null || !bouncer.IsConfigured)
        {
            LastError = null;
        }
    }

    private static DateTimeOffset Grid(DateTimeOffset now, TimeSpan interval) => new(now.UtcTicks - (now.UtcTicks % interval.Ticks), TimeSpan.Zero);
}
