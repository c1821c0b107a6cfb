using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TovPlay.Logs.Domain.DatabaseHealth;
using TovPlay.Logs.Web.DatabaseHealth;
using TovPlay.Logs.Web.Model;
using TovPlay.Logs.Web.Model.Database;
using Microsoft.AspNetCore.Authorization;
using TovPlay.Logs.Domain.Security;

namespace TovPlay.Logs.Web.Components.Pages.Database;

public partial class DatabaseHealth
{
    private static readonly TimeSpan s_refreshEvery = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _gone = new();
    private PeriodicReload? _reload;
    private bool _live = true;
    private bool _loading;
    private bool _admin;
    private ClaimsPrincipal _user = new();

    [Inject]
    public required DatabaseViewModel Model { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required IAuthorizationService Authorization { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> AuthenticationState { get; set; }

    [CascadingParameter(Name = "DarkMode")]
    public bool Dark { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthenticationState).User;
        _admin = (await Authorization.AuthorizeAsync(_user, AppPolicies.Admin)).Succeeded;
        await RefreshAsync();
        StartReloading();
    }

    private void StartReloading()
    {
        _reload?.Dispose();
        _reload = _live ? PeriodicReload.Start(s_refreshEvery, () => InvokeAsync(RefreshAsync)) : null;
    }

    private async Task SetLiveAsync(bool live)
    {
        _live = live;
        StartReloading();
        await Task.CompletedTask;
    }

    private async Task RefreshAsync()
    {
        if (_loading || _gone.IsCancellationRequested)
        {
            return;
        }

        _loading = true;
        try
        {
            await Model.LoadAsync(_gone.Token);
        }
        catch (OperationCanceledException) when (_gone.IsCancellationRequested)
        {
            return;
        }
        finally
        {
            _loading = false;
        }

        StateHasChanged();
    }

    private async Task ChangeRangeAsync(ChartRange range)
    {
        Model.Range = range;
        await Model.LoadHistoryAsync(_gone.Token);
    }

    /// <summary>Asks first, naming the session and what it runs; then signals it and says what happened.</summary>
    private async Task ActAsync((BackendAction Action, Backend Backend) request)
    {
        var (action, backend) = request;
        var title = action == BackendAction.Cancel ? "Cancel the query" : "Terminate the session";
        var consequence = action == BackendAction.Cancel
            ? "Its current statement stops with an error; the session and its transaction stay (the application sees the error)."
            : "The connection is closed; its open transaction, if any, is rolled back.";
        var query = string.IsNullOrEmpty(backend.Query) ? "" : $"\n\nIt runs: {Domain.Logs.ShortText.Cut(backend.Query, 300)}";
        var confirmed = await Dialogs.ShowMessageBoxAsync(title, $"{title} of {backend.Describe()}? {consequence}{query}",
            yesText: action == BackendAction.Cancel ? "Cancel query" : "Terminate", cancelText: "Keep it");
        if (confirmed != true)
        {
            return;
        }

        var result = await Model.ApplyAsync(_user, action, backend, _gone.Token);
        Snackbar.Add(result.Message, result.Done ? Severity.Success : Severity.Error);
        await RefreshAsync();
    }

    public void Dispose()
    {
        _reload?.Dispose();
        _gone.Cancel();
        _gone.Dispose();
    }
}
