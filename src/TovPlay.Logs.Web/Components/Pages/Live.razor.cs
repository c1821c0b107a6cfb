using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using TovPlay.Logs.Web.Components.Controls;
using TovPlay.Logs.Web.Components.Dialogs;
using TovPlay.Logs.Web.Model;
using TovPlay.Logs.Web.Model.Lines;
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
    private LogLineList _list = default!;
    private IReadOnlyList<string> _columns = [];
    private ListedLine? _selected;
    private DotNetObjectReference<Live>? _self;
    private bool _interactive;
    private bool _showShortcuts;
    private string? _addressQuery;

    [Inject]
    public required TailBroker Broker { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    /// <summary>The query, so a view can be shared by its address.</summary>
    [SupplyParameterFromQuery(Name = "query")]
    public string? QueryParameter { get; set; }

    /// <summary>Fields shown as columns, comma-separated.</summary>
    [SupplyParameterFromQuery(Name = "columns")]
    public string? ColumnsParameter { get; set; }

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

    protected override void OnParametersSet()
    {
        _columns = LineColumns.Parse(ColumnsParameter);

        // From the address (opened, shared, or back/forward): only a query that differs restarts the tail, and one
        // that cannot run stays in the box with its reason while nothing is tailed.
        // The address also changes because this page wrote it (a column, the query it runs): only a query it did not
        // already hold is taken, so what the user is typing survives.
        if (QueryParameter is { Length: > 0 } query && query != _addressQuery)
        {
            _addressQuery = query;
            var previous = ViewModel.Editor.Query;
            if (!ViewModel.Editor.SetQuery(query))
            {
                QueryRefused();
            }
            else if (ViewModel.Editor.Query != previous && _interactive)
            {
                Restart();
            }
        }
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            // Tailing starts once the circuit is interactive, not during prerendering.
            _interactive = true;
            if (ViewModel.Editor.QueryError is null)
            {
                ViewModel.Start();
            }

            StateHasChanged();
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        try
        {
            if (firstRender)
            {
                _self = DotNetObjectReference.Create(this);
                await JS.InvokeVoidAsync("tovplayLogs.follow", _list.Element);
                await JS.InvokeVoidAsync("tovplayLogs.liveShortcuts", _self);
            }

            if (!ViewModel.Lines.Paused)
            {
                await JS.InvokeAsync<bool>("tovplayLogs.scrollIfFollowing", _list.Element);
            }
        }
        catch (Exception ex) when (ex is JSDisconnectedException or ObjectDisposedException or OperationCanceledException)
        {
            // The user left the page (or the circuit went) while this render's script calls were on their way.
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

    private void Select(ListedLine line) => _selected = line;

    private Task QueryChangedAsync()
    {
        Restart();
        UpdateAddress();
        return Task.CompletedTask;
    }

    /// <summary>The box holds a query that cannot run: the tail of the earlier one stops rather than answer it.</summary>
    private void QueryRefused()
    {
        ViewModel.Stop();
        ViewModel.Clear();
        _selected = null;
    }

    private void ToggleColumn(string name)
    {
        _columns = LineColumns.Toggle(_columns, name);
        UpdateAddress();
    }

    private Task ShowContextAsync() => LineContextDialog.ShowAsync(Dialogs, _selected!);

    private void UpdateAddress()
    {
        _addressQuery = ViewModel.Query;
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["query"] = ViewModel.Query,
            ["columns"] = LineColumns.Format(_columns),
        }), new NavigationOptions { ReplaceHistoryEntry = true });
    }

    private void Restart()
    {
        // A new query is a new tail: the lines of the old one no longer answer it.
        ViewModel.Clear();
        _selected = null;
        ViewModel.Start();
    }

    /// <summary>Keys caught by the page's script: space pauses or resumes, Escape clears the text filter.</summary>
    [JSInvokable]
    public async Task OnShortcut(string key)
    {
        await InvokeAsync(async () =>
        {
            if (key == "Space")
            {
                if (ViewModel.Lines.Paused)
                {
                    Resume();
                }
                else
                {
                    Pause();
                }
            }
            else if (key == "Escape" && ViewModel.Editor.Picker is { Text.Length: > 0 } picker)
            {
                ViewModel.Editor.SetPicker(picker with { Text = "" });
                await QueryChangedAsync();
            }

            StateHasChanged();
        });
    }

    private async Task FilterAsync(FieldFilter filter)
    {
        if (ViewModel.Editor.AddFilter(filter.Name, filter.Value, filter.Include, filter.FieldOf))
        {
            await QueryChangedAsync();
        }
    }

    public void Dispose()
    {
        _ = StopShortcutsAsync();
        _self?.Dispose();
        ViewModel.Changed -= OnChanged;
        _throttle?.Dispose();
        ViewModel.Dispose();
    }

    private async Task StopShortcutsAsync()
    {
        try
        {
            await JS.InvokeVoidAsync("tovplayLogs.stopLiveShortcuts");
        }
        catch (Exception ex) when (ex is JSDisconnectedException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            // The circuit is gone, and the page's script with it.
        }
    }
}
