using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using TovPlay.Logs.Web.Model;
using TovPlay.Logs.Web.Model.Live;
using TovPlay.Logs.Web.Tail;

namespace TovPlay.Logs.Web.Components.Pages;

/// <summary>
/// Live tail: the view model reads the shared tail in the background; this page renders at most once per 100 ms,
/// moving what arrived onto the screen just before each render, and keeps the list at the bottom while the user does.
/// </summary>
public partial class Live
{
    private static readonly TimeSpan s_renderInterval = TimeSpan.FromMilliseconds(100);

    private RenderThrottle? _throttle;
    private ElementReference _list;
    private LiveLine? _selected;

    [Inject]
    public required TailBroker Broker { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    private LiveViewModel ViewModel { get; set; } = default!;

    private long Dropped => ViewModel.DroppedSlow + ViewModel.DroppedUpstream + ViewModel.Lines.DroppedWhilePaused;

    private string DroppedText =>
        $"{Dropped:N0} lines dropped: {ViewModel.DroppedSlow + ViewModel.Lines.DroppedWhilePaused:N0} because this view fell behind or was paused past {LiveViewModel.MaxLines:N0} lines, "
        + $"{ViewModel.DroppedUpstream:N0} reported lost by the log source. Narrow the query to see every line.";

    protected override void OnInitialized()
    {
        ViewModel = new LiveViewModel(Broker);
        _throttle = new RenderThrottle(s_renderInterval, () => InvokeAsync(() =>
        {
            ViewModel.Drain();
            StateHasChanged();
        }));
        ViewModel.Changed += OnChanged;
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            // Tailing starts once the circuit is interactive, not during prerendering.
            ViewModel.Start();
            StateHasChanged();
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        try
        {
            if (firstRender)
            {
                await JS.InvokeVoidAsync("tovplayLogs.follow", _list);
            }

            if (!ViewModel.Lines.Paused)
            {
                await JS.InvokeAsync<bool>("tovplayLogs.scrollIfFollowing", _list);
            }
        }
        catch (JSDisconnectedException)
        {
        }
    }

    private void OnChanged() => _throttle?.Request();

    private void Start() => ViewModel.Start();

    private void Stop() => ViewModel.Stop();

    private void Pause() => ViewModel.Pause();

    private void Resume() => ViewModel.Resume();

    private void Clear()
    {
        ViewModel.Clear();
        _selected = null;
    }

    private void Select(LiveLine line) => _selected = line;

    private Task QueryChangedAsync()
    {
        // A new query is a new tail: the lines of the old one no longer answer it.
        ViewModel.Clear();
        _selected = null;
        ViewModel.Start();
        return Task.CompletedTask;
    }

    private async Task FilterAsync(FieldFilter filter)
    {
        if (ViewModel.AddFilter(filter.Name, filter.Value, filter.Include, filter.FieldOf))
        {
            await QueryChangedAsync();
        }
    }

    public void Dispose()
    {
        ViewModel.Changed -= OnChanged;
        _throttle?.Dispose();
        ViewModel.Dispose();
    }
}
