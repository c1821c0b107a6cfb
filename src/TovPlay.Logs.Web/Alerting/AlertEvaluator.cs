using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>
/// Evaluates every rule that is not paused on its interval, on the instance that leads. Each rule has a fixed slot in
/// its interval (its id's hash), as Prometheus staggers its groups, so a thousand rules with one interval do not all
/// run at the same instant. A slot missed while the evaluator was busy is skipped, not replayed, and the lag recorded.
/// </summary>
public sealed class AlertEvaluator(
    AlertingLeader leader, IDbContextFactory<AppDbContext> db, RuleQueryRunner runner, AlertStateStore store, AlertingSignals signals,
    AlertingMetrics metrics, TimeProvider time, IOptions<AlertingOptions> options, ILogger<AlertEvaluator> logger) : BackgroundService
{
    private static readonly TimeSpan s_reloadEvery = TimeSpan.FromSeconds(5);

    private readonly Dictionary<Guid, Scheduled> _schedule = [];
    private SemaphoreSlim? _slots;
    private DateTimeOffset _nextReload;
    private DateTimeOffset _nextLeaderCheck;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        _slots = new SemaphoreSlim(Math.Max(1, options.Value.MaxConcurrentEvaluations));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await TickAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(ex, "The alert evaluator failed a round; it carries on");
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await leader.ReleaseAsync();
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now >= _nextLeaderCheck || !leader.IsLeader)
        {
            _nextLeaderCheck = now + options.Value.LeaderCheckInterval;
            if (!await leader.EnsureAsync(cancellationToken))
            {
                // Another instance leads: forget what this one knew, it will be read afresh on taking over.
                _schedule.Clear();
                _nextReload = DateTimeOffset.MinValue;
                await signals.RulesChanged.WaitAsync(options.Value.LeaderCheckInterval, time, cancellationToken);
                return;
            }
        }

        if (now >= _nextReload)
        {
            await ReloadAsync(now, cancellationToken);
            _nextReload = now + s_reloadEvery;
        }

        foreach (var item in _schedule.Values.Where(s => !s.Running && s.Due <= now && !s.Rule.Paused))
        {
            item.Running = true;
            var due = item.Due;
            item.Due = NextSlot(item.Rule, now);
            _ = EvaluateAsync(item, due, cancellationToken);
        }

        var next = _schedule.Values.Where(s => !s.Running && !s.Rule.Paused).Select(s => s.Due).DefaultIfEmpty(now + TimeSpan.FromSeconds(1)).Min();
        var wait = Min(next - time.GetUtcNow(), options.Value.LeaderCheckInterval);
        if (wait > TimeSpan.Zero)
        {
            await signals.RulesChanged.WaitAsync(wait, time, cancellationToken);
            if (time.GetUtcNow() < next)
            {
                // Woken by an edit: read the rules now rather than at the next reload.
                _nextReload = DateTimeOffset.MinValue;
            }
        }
    }

    private async Task ReloadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var records = await context.AlertRules.AsNoTracking().ToListAsync(cancellationToken);
        var seen = new HashSet<Guid>();
        foreach (var record in records)
        {
            seen.Add(record.Id);
            var rule = record.ToRule();
            if (_schedule.TryGetValue(record.Id, out var item))
            {
                if (item.Version != record.Version)
                {
                    var intervalChanged = item.Rule.Interval != rule.Interval;
                    item.Rule = rule;
                    item.Version = record.Version;
                    item.Instances = null;
                    if (intervalChanged)
                    {
                        item.Due = NextSlot(rule, now);
                    }
                }
            }
            else
            {
                // A new rule is evaluated at once, then on its slot: its author is waiting to see it work.
                _schedule[record.Id] = new Scheduled(rule, record.Version) { Due = now };
            }
        }

        foreach (var gone in _schedule.Keys.Where(id => !seen.Contains(id)).ToList())
        {
            _schedule.Remove(gone);
        }
    }

    private async Task EvaluateAsync(Scheduled item, DateTimeOffset due, CancellationToken cancellationToken)
    {
        await _slots!.WaitAsync(cancellationToken);
        try
        {
            var rule = item.Rule;
            var started = time.GetUtcNow();
            var lag = started - due;
            var watch = Stopwatch.StartNew();
            IReadOnlyList<AlertSample>? samples = null;
            string? error = null;
            try
            {
                samples = await runner.InstantAsync(rule, started, cancellationToken);
            }
            catch (RuleQueryException ex)
            {
                error = ex.Message;
            }

            var instances = item.Instances ??= await store.LoadAsync(rule.Id, cancellationToken);
            var history = await ApplyAsync(rule, instances, samples, error, started, cancellationToken);
            watch.Stop();
            var generator = AlertLinks.Rule(options.Value.ExternalUrl, rule.Id);
            await store.SaveAsync(rule.Id, instances.Values, history, new RuleHealth(started, item.Due, watch.Elapsed, lag, error, generator), started, cancellationToken);
            metrics.Evaluated(watch.Elapsed, lag, error is not null);
            if (history.Count > 0 || instances.Values.Any(i => AlertTransition.IsActive(i.State.State)))
            {
                signals.AlertsChanged.Raise();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            item.Instances = null;
            logger.LogError(ex, "Evaluating the alert rule {Rule} failed", item.Rule.Name);
        }
        finally
        {
            item.Running = false;
            _slots.Release();
        }
    }

    /// <summary>Runs the state machine for each instance the answer speaks of; returns the changes to record.</summary>
    private async Task<List<HistoryEntry>> ApplyAsync(AlertRule rule, Dictionary<LabelSet, TrackedInstance> instances, IReadOnlyList<AlertSample>? samples,
        string? error, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var history = new List<HistoryEntry>();
        var known = instances.Values.Where(i => i.State.State != AlertState.Normal).Select(i => i.Labels).ToList();
        var outcomes = AlertEvaluation.Outcomes(rule, samples, error, known);
        var returned = (samples ?? []).Select(s => AlertEvaluation.LabelsOf(rule, s.Labels)).ToHashSet();
        var touched = new HashSet<LabelSet>();
        foreach (var outcome in outcomes)
        {
            touched.Add(outcome.Labels);
            if (!instances.TryGetValue(outcome.Labels, out var instance))
            {
                instance = new TrackedInstance(outcome.Labels);
                instances[outcome.Labels] = instance;
            }

            var (next, transition) = AlertStateMachine.Next(instance.State, outcome.Outcome, rule.Timing, at, outcome.Error);
            instance.State = next;
            instance.Current = returned.Contains(outcome.Labels) || outcome.Outcome is EvaluationOutcome.NoData or EvaluationOutcome.Error || AlertTransition.IsActive(next.State);
            instance.LastEvaluatedAt = at;
            instance.Value = outcome.Value ?? instance.Value;
            instance.Error = next.State == AlertState.Error ? outcome.Error ?? instance.Error : null;
            if (transition is not null)
            {
                if (AlertTransition.IsActive(transition.To) && !AlertTransition.IsActive(transition.From))
                {
                    instance.StartsAt = at;
                    instance.EndsAt = null;
                    instance.LogLines = transition.To == AlertState.Firing ? await runner.SampleLinesAsync(rule, SeriesLabels(rule, outcome.Labels), at, cancellationToken) : [];
                }
                else if (transition.Resolved)
                {
                    instance.EndsAt = at;
                }

                history.Add(new HistoryEntry(rule.Id, instance, transition));
            }

            if (AlertTransition.IsActive(next.State) || transition is not null)
            {
                var annotations = AlertEvaluation.Annotations(rule, instance.Labels, instance.Value, options.Value.ExternalUrl);
                instance.Annotations = instance.Error is { } message ? new Dictionary<string, string>(annotations) { ["error"] = message } : annotations;
            }
        }

        foreach (var instance in instances.Values.Where(i => !touched.Contains(i.Labels)))
        {
            instance.Current = false;
        }

        // Drop from memory what the store will drop: normal, not returned, resolved long ago.
        foreach (var stale in instances.Values.Where(i => !i.Current && i.State.State == AlertState.Normal && (i.EndsAt is null || at - i.EndsAt >= AlertStateStore.KeepResolved)).ToList())
        {
            instances.Remove(stale.Labels);
        }

        return history;
    }

    /// <summary>The labels the query itself gave the series: the instance's, without what the rule added.</summary>
    private static LabelSet SeriesLabels(AlertRule rule, LabelSet labels) =>
        LabelSet.From(labels.Pairs.Where(p => p.Key != AlertLabelNames.AlertName && !rule.Labels.ContainsKey(p.Key)));

    /// <summary>The next slot after <paramref name="now"/>: the interval's grid, shifted by the rule's own offset.</summary>
    public static DateTimeOffset NextSlot(AlertRule rule, DateTimeOffset now)
    {
        var interval = rule.Interval.Ticks;
        var offset = (long)(BitConverter.ToUInt32(rule.Id.ToByteArray(), 0) % (ulong)interval);
        var ticks = now.UtcTicks - offset;
        var next = ((ticks / interval) + 1) * interval + offset;
        return new DateTimeOffset(next, TimeSpan.Zero);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed class Scheduled(AlertRule rule, uint version)
    {
        public AlertRule Rule { get; set; } = rule;

        public uint Version { get; set; } = version;

        public DateTimeOffset Due { get; set; }

        public bool Running { get; set; }

        /// <summary>The rule's instances, read from the store on its first evaluation under this leadership.</summary>
        public Dictionary<LabelSet, TrackedInstance>? Instances { get; set; }
    }
}
