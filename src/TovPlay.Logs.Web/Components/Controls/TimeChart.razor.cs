using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using TovPlay.Logs.Web.Model.Charts;

namespace TovPlay.Logs.Web.Components.Controls;

/// <summary>
/// The one wrapper around the chart library. Data goes to the browser only when it changed (the page may render
/// for other reasons), and what the user picks on the chart comes back as a time range.
/// </summary>
public partial class TimeChart : IAsyncDisposable
{
    private ElementReference _element;
    private DotNetObjectReference<TimeChart>? _self;
    private object? _drawn;
    private string? _error;

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Parameter, EditorRequired]
    public IReadOnlyList<ChartSeries> Series { get; set; } = [];

    [Parameter]
    public ChartKind Kind { get; set; } = ChartKind.Line;

    [Parameter]
    public bool Stacked { get; set; }

    /// <summary>The x axis, so empty buckets at either end still show as time.</summary>
    [Parameter, EditorRequired]
    public DateTimeOffset Start { get; set; }

    [Parameter, EditorRequired]
    public DateTimeOffset End { get; set; }

    /// <summary>For bars that each count a bucket of time: its width, so the tooltip names the bucket's start and end.</summary>
    [Parameter]
    public TimeSpan? BucketWidth { get; set; }

    [Parameter]
    public IReadOnlyList<ChartThreshold> Thresholds { get; set; } = [];

    [Parameter]
    public ChartBand? Band { get; set; }

    [Parameter]
    public int Height { get; set; } = 180;

    [Parameter]
    public bool Dark { get; set; }

    /// <summary>Axis labels in UTC (the app's default) or the browser's zone.</summary>
    [Parameter]
    public bool Utc { get; set; } = true;

    [Parameter]
    public string AriaLabel { get; set; } = "Chart";

    [Parameter]
    public string? TestId { get; set; }

    /// <summary>A range dragged across the chart.</summary>
    [Parameter]
    public EventCallback<(DateTimeOffset Start, DateTimeOffset End)> OnRangeSelected { get; set; }

    /// <summary>The time of a clicked bar or point.</summary>
    [Parameter]
    public EventCallback<DateTimeOffset> OnPointClicked { get; set; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // Same inputs, same picture: the series list is replaced, never edited, when data changes.
        var key = (Series, Kind, Stacked, Start, End, BucketWidth, Thresholds, Band, Height, Dark, Utc);
        if (Equals(_drawn, key))
        {
            return;
        }

        _drawn = key;
        _self ??= DotNetObjectReference.Create(this);
        try
        {
            await JS.InvokeVoidAsync("tovplayCharts.render", _element, _self, Spec());
            if (_error is not null)
            {
                _error = null;
                StateHasChanged();
            }
        }
        catch (JSException ex)
        {
            _error = "The chart could not be drawn: " + ex.Message;
            StateHasChanged();
        }
        catch (Exception ex) when (ex is JSDisconnectedException or ObjectDisposedException or OperationCanceledException)
        {
            // The page went away while the chart was being drawn.
        }
    }

    private object Spec() => new
    {
        kind = Kind == ChartKind.Bar ? "bar" : "line",
        stacked = Stacked,
        height = Height,
        dark = Dark,
        utc = Utc,
        min = Start.ToUnixTimeMilliseconds(),
        max = End.ToUnixTimeMilliseconds(),
        bucketMs = BucketWidth is { } bucket ? (long?)bucket.TotalMilliseconds : null,
        series = Series.Select(s => new
        {
            name = s.Name,
            color = s.Color,
            data = s.Points.Select(p => new object?[] { p.Time.ToUnixTimeMilliseconds(), p.Value }).ToArray(),
        }).ToArray(),
        thresholds = Thresholds.Select(t => new { value = t.Value, label = t.Label, color = t.Color }).ToArray(),
        band = Band is { } band ? new { start = band.Start.ToUnixTimeMilliseconds(), end = band.End.ToUnixTimeMilliseconds(), label = band.Label, color = band.Color } : null,
    };

    [JSInvokable]
    public Task RangeSelected(long startMs, long endMs)
    {
        var start = DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(startMs, Start.ToUnixTimeMilliseconds()));
        var end = DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(endMs, End.ToUnixTimeMilliseconds()));
        return end > start ? InvokeAsync(() => OnRangeSelected.InvokeAsync((start, end))) : Task.CompletedTask;
    }

    [JSInvokable]
    public Task PointClicked(long timeMs) => InvokeAsync(() => OnPointClicked.InvokeAsync(DateTimeOffset.FromUnixTimeMilliseconds(timeMs)));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await JS.InvokeVoidAsync("tovplayCharts.destroy", _element);
        }
        catch (Exception ex) when (ex is JSDisconnectedException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            // The circuit is gone, and the chart with it.
        }

        _self?.Dispose();
    }
}
