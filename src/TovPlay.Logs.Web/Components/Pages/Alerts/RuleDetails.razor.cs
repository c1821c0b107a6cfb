using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Web.Alerting;
using TovPlay.Logs.Web.Model;
using TovPlay.Logs.Web.Components.Dialogs;
using TovPlay.Logs.Web.Data;

namespace TovPlay.Logs.Web.Components.Pages.Alerts;

public partial class RuleDetails
{
    private readonly CancellationTokenSource _disposed = new();
    private RuleSummary? _rule;
    private IReadOnlyList<InstanceView> _instances = [];
    private IReadOnlyList<AlertHistoryRecord> _history = [];
    private string? _historyOf;
    private IReadOnlyList<AlertSilence> _silences = [];
    private bool _notFound;
    private PeriodicReload? _refresh;

    [Parameter]
    public Guid Id { get; set; }

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
        _refresh = PeriodicReload.Start(TimeSpan.FromSeconds(5), () => InvokeAsync(async () =>
        {
            await ReloadAsync();
            StateHasChanged();
        }));
    }


    private async Task ReloadAsync()
    {
        await using var scope = ScopeFactory.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<AlertRuleStore>();
        _rule = await store.GetAsync(Id, _disposed.Token);
        _notFound = _rule is null;
        if (_rule is null)
        {
            return;
        }

        _instances = await store.InstancesAsync(Id, _disposed.Token);
        _silences = (await scope.ServiceProvider.GetRequiredService<AlertingConfigurationReader>().ReadAsync(_disposed.Token)).Silences;
        _history = await store.HistoryAsync(Id, _historyOf, 200, _disposed.Token);
    }

    private async Task ShowHistory(string? fingerprint)
    {
        _historyOf = fingerprint;
        await ReloadAsync();
    }

    private async Task SilenceAsync(InstanceView instance)
    {
        var parameters = new DialogParameters<SilenceDialog>
        {
            { d => d.Matchers, instance.Labels.Pairs.Select(p => new AlertMatcher(p.Key, AlertMatchType.Equal, p.Value).ToString()).ToList() },
            { d => d.User, User },
        };
        var dialog = await Dialogs.ShowAsync<SilenceDialog>("Silence this alert", parameters, new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add("Silenced: it is not notified until the silence ends.", Severity.Success);
            await ReloadAsync();
        }
    }

    /// <summary>The silence holding this alert now, if any: its notifications are held back until it ends.</summary>
    private AlertSilence? SilenceOf(InstanceView instance) => _silences.FirstOrDefault(s => s.Mutes(instance.Labels, DateTimeOffset.UtcNow));

    private static string SearchLink(AlertRule rule)
    {
        var window = AlertLogLines.QueryFor(rule.Query, Domain.Logs.LabelSet.Empty)?.Range ?? TimeSpan.FromMinutes(5);
        var query = AlertLogLines.QueryFor(rule.Query, Domain.Logs.LabelSet.Empty)?.Query ?? rule.Query;
        return "search?query=" + Uri.EscapeDataString(query) + "&from=now-" + AlertDurations.Format(window * 12 > TimeSpan.FromHours(1) ? window * 12 : TimeSpan.FromHours(1)) + "&to=now";
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _refresh?.Dispose();
        _disposed.Dispose();
    }
}
