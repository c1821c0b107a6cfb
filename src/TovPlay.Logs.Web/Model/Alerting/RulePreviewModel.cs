using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.Alerting;
using TovPlay.Logs.Web.Model.Charts;

namespace TovPlay.Logs.Web.Model.Alerting;

/// <summary>One series as the preview shows it now: its alert labels, its value, whether it breaches.</summary>
public sealed record PreviewRow(LabelSet Labels, double Value, bool Breaching);

/// <summary>
/// The rule form's "Preview" and "Would it have fired?": the query run now and over a window, charted with the
/// threshold, and the state machine replayed over that window. Failures are shown, never taken for "no data".
/// </summary>
public sealed class RulePreviewModel(RuleQueryRunner runner, TimeProvider time)
{
    /// <summary>At most this many evaluations are replayed; a longer window uses a coarser step (said in <see cref="BacktestStep"/>).</summary>
    public const int MaxSteps = 1440;

    public static readonly IReadOnlyList<(string Label, TimeSpan Window)> Windows =
        [("1 hour", TimeSpan.FromHours(1)), ("6 hours", TimeSpan.FromHours(6)), ("24 hours", TimeSpan.FromHours(24)), ("7 days", TimeSpan.FromDays(7))];

    public bool Running { get; private set; }

    public string? Error { get; private set; }

    public IReadOnlyList<PreviewRow> Now { get; private set; } = [];

    public IReadOnlyList<ChartSeries> Chart { get; private set; } = [];

    public DateTimeOffset ChartStart { get; private set; }

    public DateTimeOffset ChartEnd { get; private set; }

    /// <summary>Set once a preview ran, so "no series" is said only after looking.</summary>
    public bool Ran { get; private set; }

    public BacktestResult? Backtest { get; private set; }

    public TimeSpan BacktestStep { get; private set; }

    public TimeSpan BacktestWindow { get; private set; } = TimeSpan.FromHours(24);

    public string? BacktestError { get; private set; }

    /// <summary>The backtest's own chart, so the preview's last hour stays as it was.</summary>
    public IReadOnlyList<ChartSeries> BacktestChart { get; private set; } = [];

    public DateTimeOffset BacktestStart { get; private set; }

    public DateTimeOffset BacktestEnd { get; private set; }

    public async Task PreviewAsync(AlertRule rule, CancellationToken cancellationToken)
    {
        Running = true;
        Error = null;
        try
        {
            var now = time.GetUtcNow();
            var samples = await runner.InstantAsync(rule, now, cancellationToken);
            Now = [.. samples.Select(s => new PreviewRow(AlertEvaluation.LabelsOf(rule, s.Labels), s.Value, rule.Threshold?.Holds(s.Value) ?? true))];
            ChartStart = now.AddHours(-1);
            ChartEnd = now;
            Chart = rule.Source is AlertDataSource.LogQL or AlertDataSource.PromQL
                ? Series(await runner.RangeAsync(rule, ChartStart, ChartEnd, Step(rule, TimeSpan.FromHours(1)), cancellationToken))
                : [];
            Ran = true;
        }
        catch (RuleQueryException ex)
        {
            Error = ex.Message;
            Now = [];
            Chart = [];
        }
        finally
        {
            Running = false;
        }
    }

    public async Task BacktestAsync(AlertRule rule, TimeSpan window, TimeSpan repeatInterval, CancellationToken cancellationToken)
    {
        Running = true;
        BacktestError = null;
        Backtest = null;
        BacktestWindow = window;
        try
        {
            var end = time.GetUtcNow();
            var start = end - window;
            BacktestStep = Step(rule, window);
            var series = await runner.RangeAsync(rule, start, end, BacktestStep, cancellationToken);
            var steps = new List<BacktestStep>();
            // On the grid the source answered on (Loki aligns it to the step, Prometheus starts it at the start), back to the window's start.
            var first = series.SelectMany(s => s.Points).Select(p => p.At).DefaultIfEmpty(StepStart(start, BacktestStep)).Min();
            while (first - BacktestStep >= start)
            {
                first -= BacktestStep;
            }

            for (var at = first; at <= end; at += BacktestStep)
            {
                var moment = at;
                steps.Add(new BacktestStep(moment, [.. series.SelectMany(s => s.Points.Where(p => p.At == moment).Select(p => new AlertSample(s.Labels, p.Value)))]));
            }

            Backtest = AlertBacktest.Run(rule with { Interval = BacktestStep }, steps, repeatInterval);
            BacktestStart = start;
            BacktestEnd = end;
            BacktestChart = Series(series);
        }
        catch (RuleQueryException ex)
        {
            BacktestError = ex.Message;
        }
        finally
        {
            Running = false;
        }
    }

    /// <summary>The rule's interval, or coarser so the window has at most <see cref="MaxSteps"/> evaluations.</summary>
    public static TimeSpan Step(AlertRule rule, TimeSpan window)
    {
        var least = TimeSpan.FromSeconds(Math.Ceiling(window.TotalSeconds / MaxSteps));
        return rule.Interval > least ? rule.Interval : least;
    }

    /// <summary>The step grid the source answers on (start rounded down to a multiple of the step).</summary>
    private static DateTimeOffset StepStart(DateTimeOffset start, TimeSpan step) =>
        new(start.UtcTicks - (start.UtcTicks % step.Ticks), TimeSpan.Zero);

    private static IReadOnlyList<ChartSeries> Series(IReadOnlyList<RuleSeries> series) =>
        [.. series.Take(20).Select(s => new ChartSeries(s.Labels.Count == 0 ? "value" : s.Labels.ToString(), [.. s.Points.Select(p => new ChartPoint(p.At, p.Value))]))];
}
