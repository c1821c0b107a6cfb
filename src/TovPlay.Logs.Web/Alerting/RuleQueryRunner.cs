using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>A series over time, for previews and backtests.</summary>
public sealed record RuleSeries(LabelSet Labels, IReadOnlyList<(DateTimeOffset At, double Value)> Points);

/// <summary>
/// Runs a rule's query on its data source: at one instant (an evaluation) or over a window (preview, backtest).
/// Every failure becomes a <see cref="RuleQueryException"/> with a message fit for the rule's page.
/// </summary>
public sealed class RuleQueryRunner(ILogSource logs, SqlProbe sql, PrometheusClient prometheus, AppChecks checks, IOptions<AlertingOptions> options)
{
    public async Task<IReadOnlyList<AlertSample>> InstantAsync(AlertRule rule, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var timeout = Timeout(rule, cancellationToken);
        try
        {
            return rule.Source switch
            {
                AlertDataSource.LogQL => await LogQLInstantAsync(rule.Query, at, timeout.Token),
                AlertDataSource.Sql => await sql.RunAsync(rule.Query, timeout.Token),
                AlertDataSource.PromQL => await prometheus.InstantAsync(rule.Query, at, timeout.Token),
                _ => await checks.RunAsync(rule.Query, timeout.Token),
            };
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RuleQueryException($"The query did not answer within {TimeoutOf(rule).TotalSeconds:0.#} s.", ex);
        }
    }

    /// <summary>The rule's query on the step grid over [from, to]; SQL probes and checks read the present only.</summary>
    public async Task<IReadOnlyList<RuleSeries>> RangeAsync(AlertRule rule, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken)
    {
        switch (rule.Source)
        {
            case AlertDataSource.LogQL:
                try
                {
                    var response = await logs.QueryRangeAsync(
                        new RangeQueryRequest(rule.Query, TimeWindow.Ns(from), TimeWindow.Ns(to)) { StepNs = step.Ticks * 100, Limit = 5000 }, cancellationToken);
                    return [.. response.Series.Select(s => new RuleSeries(s.Labels, [.. s.Points.Select(p => (At(p.TimestampNs), p.Value))]))];
                }
                catch (LogSourceException ex)
                {
                    throw new RuleQueryException(ex.Message, ex);
                }

            case AlertDataSource.PromQL:
                return [.. (await prometheus.RangeAsync(rule.Query, from, to, step, cancellationToken)).Select(s => new RuleSeries(s.Labels, s.Points))];
            default:
                throw new RuleQueryException(rule.Source == AlertDataSource.Sql
                    ? "A SQL probe reads the database as it is now; it cannot be replayed over the past. Run it now instead."
                    : "A check looks at the app as it is now; it cannot be replayed over the past.");
        }
    }

    /// <summary>Up to five lines the rule's log query matched in its window, narrowed to the instance's labels where the query keeps them.</summary>
    public async Task<IReadOnlyList<string>> SampleLinesAsync(AlertRule rule, LabelSet series, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (rule.Source != AlertDataSource.LogQL || AlertLogLines.QueryFor(rule.Query, series) is not { } sample)
        {
            return [];
        }

        try
        {
            var response = await logs.QueryRangeAsync(
                new RangeQueryRequest(sample.Query, TimeWindow.Ns(at - sample.Range), TimeWindow.Ns(at)) { Limit = DiscordMessage.MaxLogLines, Direction = Direction.Backward },
                cancellationToken);
            return [.. response.Streams.SelectMany(s => s.Entries).OrderByDescending(e => e.TimestampNs).Take(DiscordMessage.MaxLogLines).Select(e => e.Line)];
        }
        catch (LogSourceException)
        {
            // The lines are a courtesy: the notification goes without them rather than not at all.
            return [];
        }
    }

    private async Task<IReadOnlyList<AlertSample>> LogQLInstantAsync(string query, DateTimeOffset at, CancellationToken cancellationToken)
    {
        try
        {
            var response = await logs.QueryInstantAsync(new InstantQueryRequest(query, TimeWindow.Ns(at)), cancellationToken);
            if (response.Type == ResultType.Streams)
            {
                throw new RuleQueryException("The query returns log lines, not numbers.");
            }

            return [.. response.Series.Where(s => s.Points.Count > 0).Select(s => new AlertSample(s.Labels, s.Points[^1].Value))];
        }
        catch (LogSourceException ex)
        {
            throw new RuleQueryException(ex.Message, ex);
        }
    }

    private TimeSpan TimeoutOf(AlertRule rule) => rule.Interval < options.Value.QueryTimeout ? Max(rule.Interval, TimeSpan.FromSeconds(5)) : options.Value.QueryTimeout;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private CancellationTokenSource Timeout(AlertRule rule, CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(TimeoutOf(rule));
        return source;
    }

    private static DateTimeOffset At(long ns) => DateTimeOffset.UnixEpoch.AddTicks(ns / 100);
}
