using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Direction = TovPlay.Logs.Domain.LogQL.Evaluation.Direction;
using TovPlay.Logs.Domain.Logs.Search;
using TovPlay.Logs.Web.Components.Controls;
using TovPlay.Logs.Web.Components.Dialogs;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Model;
using TovPlay.Logs.Web.Model.Lines;
using TovPlay.Logs.Web.Model.Search;
using TovPlay.Logs.Web.Search;

namespace TovPlay.Logs.Web.Components.Pages;

/// <summary>
/// Search: the address is the search. Every change (query, range, order, limit, columns) navigates to the new
/// address, and reading the address runs the search when something that changes the result changed, so back,
/// forward, bookmarks and shared links all replay the same view.
/// </summary>
public partial class Search
{
    private ListedLine? _selected;
    private bool _interactive;
    private bool _starred;
    private QueryHistoryMenu? _history;
    private object? _ranFor;

    [Inject]
    public required ILogSource Source { get; init; }

    [Inject]
    public required TimeProvider Clock { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ExternalLinks Links { get; init; }

    [Inject]
    public required QueryHistory History { get; init; }

    [Inject]
    public required TimeDisplay Time { get; init; }

    [CascadingParameter]
    public Task<AuthenticationState>? Authentication { get; set; }

    /// <summary>The layout's theme, so charts draw in the same colours.</summary>
    [CascadingParameter(Name = "DarkMode")]
    public bool Dark { get; set; }

    [SupplyParameterFromQuery(Name = "query")]
    public string? QueryParameter { get; set; }

    [SupplyParameterFromQuery(Name = "from")]
    public string? FromParameter { get; set; }

    [SupplyParameterFromQuery(Name = "to")]
    public string? ToParameter { get; set; }

    [SupplyParameterFromQuery(Name = "direction")]
    public string? DirectionParameter { get; set; }

    [SupplyParameterFromQuery(Name = "limit")]
    public int? LimitParameter { get; set; }

    [SupplyParameterFromQuery(Name = "columns")]
    public string? ColumnsParameter { get; set; }

    private SearchViewModel ViewModel { get; set; } = default!;

    private string VolumeLabel => ViewModel.VolumeTotal is { } total
        ? $"Log volume by level: {total:N0} lines from {Time.Format(ViewModel.Start)} to {Time.Format(ViewModel.End)}. Drag across it to zoom in, or click a bar."
        : "Log volume by level";

    protected override void OnInitialized() => ViewModel = new SearchViewModel(Source, Clock);

    private object RunKey => ViewModel.RunKey;

    protected override async Task OnParametersSetAsync()
    {
        ViewModel.Apply(new SearchState(QueryParameter, FromParameter, ToParameter, DirectionParameter, LimitParameter, ColumnsParameter));
        if (_interactive && !Equals(RunKey, _ranFor))
        {
            await RunAsync();
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            // Searches run once the circuit is interactive, not during prerendering.
            _interactive = true;
            await RunAsync();
            StateHasChanged();
        }
    }

    private async Task RunAsync()
    {
        _ranFor = RunKey;
        _selected = null;
        var running = ViewModel.RunAsync();
        StateHasChanged();
        await running;
        if (ViewModel.Error is null && ViewModel.HasRun && await UserAsync() is { } user)
        {
            await History.RecordAsync(user, ViewModel.Editor.Query);
            _starred = await History.IsStarredAsync(user, ViewModel.Editor.Query);
            _history?.Invalidate();
        }
    }

    /// <summary>
    /// RUN takes what the query box holds, as Enter and APPLY do: a new query goes to the address (which runs it),
    /// the same one runs again, and one that cannot run shows why and runs nothing.
    /// </summary>
    private async Task RunAgainAsync()
    {
        var typed = ViewModel.Editor.HasDraft || ViewModel.Editor.QueryError is not null;
        if (typed && !ViewModel.Editor.ApplyDraft())
        {
            QueryRefused();
            return;
        }

        if (ViewModel.DirectionError is not null || ViewModel.LimitError is not null)
        {
            // RUN takes the order and the limit the controls show, as it takes what the box holds.
            Go(ViewModel.State(direction: ViewModel.Direction, limit: ViewModel.Limit));
        }
        else if (typed)
        {
            await QueryChangedAsync();
        }
        else
        {
            await RunAsync();
        }
    }

    /// <summary>The box holds a query that cannot run: what the earlier one found no longer answers it.</summary>
    private void QueryRefused()
    {
        ViewModel.ClearResults();
        _selected = null;
        _ranFor = RunKey;
    }

    private async Task<System.Security.Claims.ClaimsPrincipal?> UserAsync() =>
        Authentication is null ? null : (await Authentication).User;

    /// <summary>
    /// Moves to the search's new address, when it differs and the user is still on this page: controls may report
    /// a value they were given (a select re-announcing its selection when its options change), and such a late
    /// report must not pull the user back here from the page they went to.
    /// </summary>
    private void Go(SearchState state, bool replace = false)
    {
        var uri = state.ToUri(Navigation);
        if (uri != Navigation.Uri && Navigation.ToBaseRelativePath(Navigation.Uri).StartsWith("search", StringComparison.Ordinal))
        {
            Navigation.NavigateTo(uri, new NavigationOptions { ReplaceHistoryEntry = replace });
        }
    }

    /// <summary>The query bar took a query: show it in the address, or run it again when the address already holds it.</summary>
    private async Task QueryChangedAsync()
    {
        var state = ViewModel.State();
        if (state.ToUri(Navigation) == Navigation.Uri)
        {
            await RunAsync();
        }
        else
        {
            Go(state);
        }
    }

    private void ChooseQuery(string query) => Go(ViewModel.State(query: query));

    private void RangeChanged(TimeRange range) => Go(ViewModel.State(range: range));

    private void DirectionChanged(Direction direction) => Go(ViewModel.State(direction: direction));

    private void LimitChanged(int limit) => Go(ViewModel.State(limit: limit));

    private void ColumnsChanged(IEnumerable<string>? columns) => Go(ViewModel.State(columns: [.. columns ?? []]), replace: true);

    private void ToggleColumn(string name) => ColumnsChanged(LineColumns.Toggle(ViewModel.Columns, name));

    private void BrushedAsync((DateTimeOffset Start, DateTimeOffset End) range) => Go(ViewModel.State(range: TimeRange.Absolute(range.Start, range.End)));

    private void BarClickedAsync(DateTimeOffset time) => Go(ViewModel.State(range: ViewModel.BucketAround(time)));

    private void Select(ListedLine line) => _selected = line;

    private async Task FilterAsync(FieldFilter filter)
    {
        if (ViewModel.Editor.AddFilter(filter.Name, filter.Value, filter.Include, filter.FieldOf))
        {
            await QueryChangedAsync();
        }
    }

    private Task ShowContextAsync() => LineContextDialog.ShowAsync(Dialogs, _selected!);

    private async Task OpenLibraryAsync()
    {
        if (await QueryLibraryDialog.ChooseAsync(Dialogs) is { } query)
        {
            ChooseQuery(query);
        }
    }

    private async Task ToggleStarAsync()
    {
        if (await UserAsync() is { } user)
        {
            await History.SetStarredAsync(user, ViewModel.Editor.Query, !_starred);
            _starred = !_starred;
            _history?.Invalidate();
        }
    }

    private string ExportLink(string format) =>
        SearchExport.Link(format, ViewModel.Editor.Query, ViewModel.Range, ViewModel.Direction, SearchExport.MaxLines);
}
