using System.Globalization;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs.Search;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Model.Charts;
using TovPlay.Logs.Web.Model.Lines;
using TovPlay.Logs.Web.Model.Live;
using TovPlay.Logs.Web.Model.Queries;
using TovPlay.Logs.Web.Search;
using TovPlay.Logs.Web.Tail;

namespace TovPlay.Logs.Web.Model.Search;

/// <summary>
/// The Search page's state: what to run (query, range, direction, limit, columns, all held by the address) and
/// what came back (lines with the volume chart above them, or a metric's series). A new run cancels the one before.
/// </summary>
public sealed class SearchViewModel(ILogSource source, TimeProvider time)
{
    public static readonly IReadOnlyList<int> LimitChoices = [100, 500, 1000, 5000];
    public const int DefaultLimit = 1000;

    private static readonly IReadOnlyDictionary<string, string> s_levelColors = new Dictionary<string, string>
    {
        ["error"] = "#e53935", ["fatal"] = "#b71c1c", ["critical"] = "#b71c1c", ["warn"] = "#fb8c00", ["warning"] = "#fb8c00",
        ["info"] = "#1e88e5", ["debug"] = "#9e9e9e", ["trace"] = "#bdbdbd",
    };

    // A superseded run may still be answering on another thread: it publishes only while it is the current run,
    // checked and written under this lock, so its results can never land after a newer run's.
    private readonly Lock _gate = new();
    private CancellationTokenSource? _run;

    // The address last taken, as written: a part of it that cannot be searched stays in the address until replaced.
    private SearchState? _address;
    private string? _addressQuery;

    public QueryEditor Editor { get; } = new(QueryEditor.AnyQuery, LiveViewModel.DefaultQuery);

    public TimeRange Range { get; private set; } = TimeRange.LastHour;

    public Direction Direction { get; private set; } = Direction.Backward;

    public int Limit { get; private set; } = DefaultLimit;

    /// <summary>Fields shown as columns beside each line (labels or parsed fields).</summary>
    public IReadOnlyList<string> Columns { get; private set; } = [];

    /// <summary>Why the address's time range cannot be searched (it is not a time, or longer than allowed).</summary>
    public string? RangeError { get; private set; }

    /// <summary>With a range longer than allowed: the longest one allowed that ends where it ends, to offer instead.</summary>
    public TimeRange? LongestRange { get; private set; }

    /// <summary>The address's range as written, with why it cannot be searched; null when it can.</summary>
    public (string? From, string? To, string Reason)? RefusedRange => RangeError is { } reason ? (_address?.From, _address?.To, reason) : null;

    /// <summary>Why the address's order cannot be used.</summary>
    public string? DirectionError { get; private set; }

    /// <summary>Why the address's limit cannot be used.</summary>
    public string? LimitError { get; private set; }

    /// <summary>
    /// False while the query box, the range or the limit holds something that cannot be searched: nothing runs, and
    /// nothing from an earlier search stays on screen as if it answered it.
    /// </summary>
    public bool CanRun => Editor.QueryError is null && RangeError is null && LimitError is null && DirectionError is null;

    public bool Running { get; private set; }

    /// <summary>Why the last run failed, in the source's words.</summary>
    public string? Error { get; private set; }

    public bool HasRun { get; private set; }

    public bool IsMetric { get; private set; }

    public DateTimeOffset Start { get; private set; }

    public DateTimeOffset End { get; private set; }

    /// <summary>A collection as well as a list: the virtualised list takes collections.</summary>
    public System.Collections.ObjectModel.ReadOnlyCollection<ListedLine> Lines { get; private set; } = new([]);

    public IReadOnlyList<ChartSeries> Volume { get; private set; } = [];

    public TimeSpan VolumeStep { get; private set; }

    /// <summary>Where the volume chart's first bucket starts and its last ends (round times around the range).</summary>
    public DateTimeOffset VolumeFrom { get; private set; }

    public DateTimeOffset VolumeTo { get; private set; }

    /// <summary>Lines the volume chart counted in the range; null when it could not be drawn.</summary>
    public long? VolumeTotal { get; private set; }

    public string? VolumeError { get; private set; }

    public IReadOnlyList<MetricSeries> Series { get; private set; } = [];

    public IReadOnlyList<ChartSeries> SeriesChart { get; private set; } = [];

    public QueryStatistics? Statistics { get; private set; }

    public IReadOnlyList<string> Warnings { get; private set; } = [];

    /// <summary>True when the limit cut the result.</summary>
    public bool Truncated => !IsMetric && Lines.Count >= Limit;

    /// <summary>What the result holds: "42 lines", or "showing 1,000 of at least 5,321 lines" when the limit cut it.</summary>
    public string Summary
    {
        get
        {
            if (IsMetric)
            {
                return $"{Series.Count:N0} series";
            }

            if (!Truncated)
            {
                return Lines.Count == 1 ? "1 line" : $"{Lines.Count:N0} lines";
            }

            return VolumeTotal is { } total && total > Lines.Count
                ? $"Showing {Lines.Count:N0} of at least {total:N0} lines: the limit cut the result. Raise the limit, narrow the range, or export."
                : $"Showing {Lines.Count:N0} lines: the limit was reached, so there may be more. Raise the limit, narrow the range, or export.";
        }
    }

    /// <summary>
    /// Takes the search an address describes. A part that cannot be used is kept as it was written (the query in the
    /// box) and named (<see cref="RangeError"/>, <see cref="LimitError"/>, the editor's error): the search waits for it
    /// to be fixed rather than running something else. True when what a run would show changed.
    /// </summary>
    public bool Apply(SearchState state)
    {
        var before = RunKey;
        // Only a query the address did not already hold is taken: the address changes for other reasons (columns, a
        // range) while the user types, and what is typed must survive that.
        if (state.Query is { Length: > 0 } query && query != _addressQuery)
        {
            Editor.SetQuery(query);
        }

        _addressQuery = state.Query is { Length: > 0 } ? state.Query : _addressQuery;

        if (TimeRange.TryParse(state.From, state.To, out var range, out var rangeError))
        {
            Range = range;
            RangeError = null;
            LongestRange = null;
        }
        else
        {
            RangeError = rangeError;
            LongestRange = TimeRange.LongestEndingAt(state.From, state.To);
        }

        DirectionError = null;
        switch (state.Direction?.ToLowerInvariant())
        {
            case null or "" or "backward":
                Direction = Direction.Backward;
                break;
            case "forward":
                Direction = Direction.Forward;
                break;
            default:
                DirectionError = $"The address asks for the order '{state.Direction}'; use backward (newest first) or forward (oldest first).";
                break;
        }

        LimitError = null;
        if (state.Limit is { } limit)
        {
            if (limit is >= 1 and <= 5000)
            {
                Limit = limit;
            }
            else
            {
                LimitError = $"The address asks for {limit:N0} lines; a search shows 1 to 5,000 (export for more).";
            }
        }

        Columns = LineColumns.Parse(state.Columns);
        _address = state;
        return !Equals(before, RunKey);
    }

    /// <summary>What a run depends on.</summary>
    public object RunKey => (Editor.Query, Range, Direction, Limit, CanRun);

    /// <summary>Takes away what an earlier search showed, when the one asked for cannot run.</summary>
    public void ClearResults()
    {
        CancellationTokenSource? previous;
        lock (_gate)
        {
            previous = _run;
            _run = null;
        }

        previous?.Cancel();
        Running = false;
        HasRun = false;
        Error = null;
        Lines = new([]);
        Series = [];
        SeriesChart = [];
        Volume = [];
        VolumeTotal = null;
        VolumeError = null;
        Warnings = [];
        Statistics = null;
    }

    /// <summary>The address state for the current search with one part changed.</summary>
    public SearchState State(string? query = null, TimeRange? range = null, Direction? direction = null, int? limit = null, IReadOnlyList<string>? columns = null)
    {
        var (from, to) = range is null && RangeError is not null ? (_address?.From, _address?.To) : ((range ?? Range).From, (range ?? Range).To);

        // A query the box refused stays in the address as typed; a draft not yet applied does not go there.
        return new SearchState(
            query ?? (Editor.QueryError is null ? Editor.Query : Editor.Draft), from, to,
            direction is null && DirectionError is not null ? _address?.Direction : (direction ?? Direction) == Direction.Forward ? "forward" : "backward",
            limit ?? (LimitError is null ? Limit : _address?.Limit),
            LineColumns.Format(columns ?? Columns));
    }

    public async Task RunAsync()
    {
        if (!CanRun)
        {
            ClearResults();
            return;
        }

        var run = new CancellationTokenSource();
        CancellationTokenSource? previous;
        lock (_gate)
        {
            previous = _run;
            _run = run;
        }

        // Not disposed: it holds no timer, and the superseded run still reads its token until it ends.
        previous?.Cancel();

        Running = true;
        Error = null;
        var (start, end) = Range.Resolve(time.GetUtcNow());
        Start = start;
        End = end;
        try
        {
            var expr = LogQLQuery.Parse(Editor.Query);
            IsMetric = expr is not LogQueryExpr;
            if (expr is LogQueryExpr log)
            {
                await RunLogsAsync(log, run);
            }
            else
            {
                await RunMetricAsync(run);
            }

            Publish(run, () => HasRun = true);
        }
        catch (Exception ex) when (run.IsCancellationRequested && ex is OperationCanceledException or LogSourceException)
        {
            // A newer run took over: whatever this one got or failed with is no longer the page's to show.
            return;
        }
        catch (LogSourceException ex)
        {
            Publish(run, () =>
            {
                Error = ex.Message;
                Lines = new([]);
                Series = [];
                SeriesChart = [];
                Volume = [];
            });
        }
        finally
        {
            Publish(run, () => Running = false);
        }
    }

    /// <summary>Writes a run's results only while it is still the current run; a superseded one's are dropped.</summary>
    private void Publish(CancellationTokenSource run, Action write)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_run, run))
            {
                write();
            }
        }
    }

    private async Task RunLogsAsync(LogQueryExpr log, CancellationTokenSource run)
    {
        var startNs = TimeWindow.Ns(Start);
        var endNs = TimeWindow.Ns(End);
        var lines = source.QueryRangeAsync(new RangeQueryRequest(Editor.Query, startNs, endNs) { Limit = Limit, Direction = Direction }, run.Token);
        var volume = VolumeAsync(log, run);
        var response = await lines;

        // A source may finish a query it was asked to drop: a superseded run must not write over the newer one's lines.
        run.Token.ThrowIfCancellationRequested();
        var sequence = 0L;
        var listed = new System.Collections.ObjectModel.ReadOnlyCollection<ListedLine>(
            [.. ResultLines.Merge(response, Direction).Select(l => new ListedLine(++sequence, new TailLine(l.Labels, l.TimestampNs, l.Line)))]);
        Publish(run, () =>
        {
            Lines = listed;
            Statistics = response.Statistics;
            Warnings = response.Warnings;
            Series = [];
            SeriesChart = [];
        });
        await volume;
    }

    /// <summary>
    /// Lines per bucket and level, every bucket of the range present (0 where none fell), each bar drawn at its
    /// bucket's middle so it spans the bucket's own time. A failure here leaves the lines standing and says why the
    /// chart is missing.
    /// </summary>
    private async Task VolumeAsync(LogQueryExpr log, CancellationTokenSource run)
    {
        var cancellationToken = run.Token;
        VolumeStep = LogVolume.StepFor(End - Start);
        var stepNs = (long)VolumeStep.TotalNanoseconds;

        // count_over_time at t counts (t - step, t]: bucket ends on round times, from the first after the start to
        // the first at or after the end, so the bars cover the whole range, the newest lines included.
        var firstNs = (TimeWindow.Ns(Start) / stepNs + 1) * stepNs;
        var lastNs = Math.Max(firstNs, (TimeWindow.Ns(End) + stepNs - 1) / stepNs * stepNs);
        VolumeFrom = At(firstNs - stepNs);
        VolumeTo = At(lastNs);
        try
        {
            var response = await source.QueryRangeAsync(
                new RangeQueryRequest(LogQLQuery.Print(LogVolume.QueryFor(log, VolumeStep)), firstNs, lastNs) { StepNs = stepNs }, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            var ends = Enumerable.Range(0, (int)((lastNs - firstNs) / stepNs) + 1).Select(i => firstNs + (i * stepNs)).ToArray();
            IReadOnlyList<ChartSeries> volume = [.. response.Series
                .Select(s => (Level: s.Labels[LogVolume.LevelLabel] is { Length: > 0 } l ? l.ToLowerInvariant() : "unknown", s.Points))
                .GroupBy(s => s.Level)
                .OrderBy(g => LevelRank(g.Key))
                .Select(g =>
                {
                    var counts = g.SelectMany(s => s.Points).GroupBy(p => p.TimestampNs).ToDictionary(p => p.Key, p => p.Sum(x => x.Value));
                    return new ChartSeries(g.Key, [.. ends.Select(t => new ChartPoint(At(t - (stepNs / 2)), counts.GetValueOrDefault(t)))], s_levelColors.GetValueOrDefault(g.Key, "#8e24aa"));
                })];
            var total = (long)response.Series.Sum(s => s.Points.Sum(p => p.Value));
            Publish(run, () =>
            {
                Volume = volume;
                VolumeTotal = total;
                VolumeError = null;
            });
        }
        catch (LogSourceException ex) when (!cancellationToken.IsCancellationRequested)
        {
            Publish(run, () =>
            {
                Volume = [];
                VolumeTotal = null;
                VolumeError = "The volume chart could not be drawn: " + ex.Message;
            });
        }
    }

    private static DateTimeOffset At(long ns) => DateTimeOffset.UnixEpoch.AddTicks(ns / 100);

    private async Task RunMetricAsync(CancellationTokenSource run)
    {
        var response = await source.QueryRangeAsync(new RangeQueryRequest(Editor.Query, TimeWindow.Ns(Start), TimeWindow.Ns(End)), run.Token);
        run.Token.ThrowIfCancellationRequested();
        IReadOnlyList<ChartSeries> chart = [.. response.Series.Select(s => new ChartSeries(s.Labels.Count == 0 ? "{}" : s.Labels.ToString(), Points(s.Points)))];
        Publish(run, () =>
        {
            Series = response.Series;
            SeriesChart = chart;
            Statistics = response.Statistics;
            Warnings = response.Warnings;
            Lines = new([]);
            Volume = [];
            VolumeTotal = null;
            VolumeError = null;
        });
    }

    private static ChartPoint[] Points(IEnumerable<SamplePoint> points) =>
        [.. points.GroupBy(p => p.TimestampNs).OrderBy(g => g.Key)
            .Select(g => new ChartPoint(DateTimeOffset.UnixEpoch.AddTicks(g.Key / 100), g.Sum(p => p.Value)))];

    private static int LevelRank(string level) => level switch
    {
        "fatal" or "critical" => 0,
        "error" => 1,
        "warn" or "warning" => 2,
        "info" => 3,
        "debug" => 4,
        "trace" => 5,
        _ => 6,
    };

    /// <summary>The range one bar of the volume chart covers: the bucket whose middle it is drawn at.</summary>
    public TimeRange BucketAround(DateTimeOffset middle) => TimeRange.Absolute(middle - (VolumeStep / 2), middle + (VolumeStep / 2));

    public static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
