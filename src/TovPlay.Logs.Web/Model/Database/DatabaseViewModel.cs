using System.Security.Claims;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.DatabaseHealth;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.DatabaseHealth;
using TovPlay.Logs.Web.Model.Charts;

namespace TovPlay.Logs.Web.Model.Database;

/// <summary>A span of history the Database page charts.</summary>
public sealed record ChartRange(string Label, TimeSpan Span)
{
    public static IReadOnlyList<ChartRange> All { get; } =
        [new("1 hour", TimeSpan.FromHours(1)), new("6 hours", TimeSpan.FromHours(6)), new("24 hours", TimeSpan.FromDays(1)), new("7 days", TimeSpan.FromDays(7))];
}

/// <summary>
/// The Database page's state: the audited database's connections now (as a report), PgBouncer's pools when it is set
/// up, the sampled history for the charts, and what could not be read, each part on its own so one failing source
/// does not blank the others.
/// </summary>
public sealed class DatabaseViewModel(
    ConnectionsReader connections, PgBouncerReader bouncer, DatabaseSamples samples, DatabaseSampler sampler, BackendControl control,
    IOptions<DatabaseHealthOptions> options, TimeProvider time)
{
    public bool DatabaseConfigured => connections.IsConfigured;

    public bool BouncerConfigured => bouncer.IsConfigured;

    public DatabaseHealthOptions Options => options.Value;

    public ConnectionReport? Report { get; private set; }

    public string? DatabaseError { get; private set; }

    public BouncerState? Bouncer { get; private set; }

    public string? BouncerError { get; private set; }

    public ChartRange Range { get; set; } = ChartRange.All[0];

    public IReadOnlyList<ChartSeries> ConnectionChart { get; private set; } = [];

    public IReadOnlyList<ChartSeries> BouncerChart { get; private set; } = [];

    public IReadOnlyList<ChartThreshold> ConnectionLimits { get; private set; } = [];

    public DateTimeOffset ChartStart { get; private set; }

    public DateTimeOffset ChartEnd { get; private set; }

    public string? HistoryError { get; private set; }

    /// <summary>Why the sampler's last reading failed, when it did (the charts then have a gap).</summary>
    public string? SamplerError => sampler.LastError;

    public bool Loaded { get; private set; }

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(LoadNowAsync(cancellationToken), LoadBouncerAsync(cancellationToken), LoadHistoryAsync(cancellationToken));
        Loaded = true;
    }

    private async Task LoadNowAsync(CancellationToken cancellationToken)
    {
        if (!DatabaseConfigured)
        {
            return;
        }

        try
        {
            Report = ConnectionReport.Of(await connections.ReadAsync(cancellationToken), options.Value.LongQueryAfter, options.Value.IdleInTransactionAfter);
            DatabaseError = null;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            DatabaseError = ex is OperationCanceledException ? $"It did not answer within {options.Value.ReadTimeout.TotalSeconds:0} s." : ex.Message;
        }
    }

    private async Task LoadBouncerAsync(CancellationToken cancellationToken)
    {
        if (!BouncerConfigured)
        {
            return;
        }

        try
        {
            Bouncer = await bouncer.ReadAsync(cancellationToken);
            BouncerError = null;
        }
        catch (Exception ex) when (PgBouncerReader.CouldNotRead(ex, cancellationToken))
        {
            BouncerError = ex is OperationCanceledException ? $"It did not answer within {options.Value.ReadTimeout.TotalSeconds:0} s." : ex.Message;
        }
    }

    public async Task LoadHistoryAsync(CancellationToken cancellationToken)
    {
        ChartEnd = time.GetUtcNow();
        ChartStart = ChartEnd - Range.Span;
        if (!DatabaseConfigured)
        {
            return;
        }

        try
        {
            var rows = await samples.RangeAsync(ChartStart, ChartEnd, options.Value.SampleInterval, cancellationToken);
            ChartPoint At(DatabaseSample s, double? value) => new(s.At, value);
            ConnectionChart =
            [
                new("In use", [.. rows.Select(s => At(s, s.Used))]),
                new("Active", [.. rows.Select(s => At(s, s.Active))]),
                new("Idle in transaction", [.. rows.Select(s => At(s, s.IdleInTransaction))]),
                new("Waiting on a lock", [.. rows.Select(s => At(s, s.WaitingOnLock))]),
            ];
            // In use plus what was left: the limit ordinary roles (the application's) ran into at the last sample.
            ConnectionLimits = rows.Count > 0 ? [new ChartThreshold(rows[^1].Used + rows[^1].Headroom, "Limit for ordinary roles")] : [];
            BouncerChart = rows.Any(s => s.BouncerClientsActive is not null)
                ?
                [
                    new("Clients active", [.. rows.Select(s => At(s, s.BouncerClientsActive))]),
                    new("Clients waiting", [.. rows.Select(s => At(s, s.BouncerClientsWaiting))]),
                    new("Server connections in use", [.. rows.Select(s => At(s, s.BouncerServersInUse))]),
                ]
                : [];
            HistoryError = null;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            HistoryError = ex.Message;
        }
    }

    public Task<BackendActionResult> ApplyAsync(ClaimsPrincipal actor, BackendAction action, Backend backend, CancellationToken cancellationToken) =>
        control.ApplyAsync(actor, action, backend.Pid, backend.BackendStart, backend.Describe(), cancellationToken);
}
