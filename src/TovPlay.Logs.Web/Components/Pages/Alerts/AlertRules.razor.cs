using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TovPlay.Logs.Web.Alerting;
using TovPlay.Logs.Web.Model;

namespace TovPlay.Logs.Web.Components.Pages.Alerts;

public partial class AlertRules
{
    private static readonly TimeSpan s_refresh = TimeSpan.FromSeconds(5);

    private readonly TableGroupDefinition<RuleSummary> _byFolder = new() { GroupName = "Folder", Selector = r => r.Rule.Folder };
    private readonly CancellationTokenSource _disposed = new();
    private IReadOnlyList<RuleSummary>? _rules;
    private string? _error;
    private PeriodicReload? _refresh;

    [Inject]
    public required IServiceScopeFactory ScopeFactory { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> AuthenticationState { get; set; }

    private ClaimsPrincipal User { get; set; } = new();

    protected override async Task OnInitializedAsync()
    {
        User = (await AuthenticationState).User;
        await ReloadAsync();
        // States and evaluation times change on their own: the list follows every few seconds while open.
        _refresh = PeriodicReload.Start(s_refresh, () => InvokeAsync(async () =>
        {
            await ReloadAsync();
            StateHasChanged();
        }));
    }

    private async Task ReloadAsync()
    {
        try
        {
            await using var scope = ScopeFactory.CreateAsyncScope();
            _rules = await scope.ServiceProvider.GetRequiredService<AlertRuleStore>().ListAsync(_disposed.Token);
            _error = null;
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
        {
            _error = ex.Message;
        }
    }

    private async Task PauseAsync(RuleSummary rule)
    {
        await using (var scope = ScopeFactory.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AlertRuleStore>().SetPausedAsync(rule.Rule.Id, !rule.Rule.Paused, User, _disposed.Token);
        }

        Snackbar.Add($"{rule.Rule.Name} {(rule.Rule.Paused ? "resumed" : "paused")}.", Severity.Success);
        await ReloadAsync();
    }

    private async Task DeleteAsync(RuleSummary rule)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete rule", $"Delete the rule {rule.Rule.Name}? Its alerts and their history go with it.",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        await using (var scope = ScopeFactory.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AlertRuleStore>().DeleteAsync(rule.Rule.Id, User, _disposed.Token);
        }

        Snackbar.Add($"{rule.Rule.Name} deleted.", Severity.Success);
        await ReloadAsync();
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _refresh?.Dispose();
        _disposed.Dispose();
    }
}
