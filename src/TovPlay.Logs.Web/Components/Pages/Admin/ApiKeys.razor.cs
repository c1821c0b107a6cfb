using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using MudBlazor;
using TovPlay.Logs.Web.ApiKeys;
using TovPlay.Logs.Web.Components.Controls;
using TovPlay.Logs.Web.Components.Dialogs;
using TovPlay.Logs.Web.LokiApi;
using TovPlay.Logs.Web.Model.Forms;

namespace TovPlay.Logs.Web.Components.Pages.Admin;

public partial class ApiKeys
{
    private IReadOnlyList<ApiKeySummary> _keys = [];
    private bool _loading = true;

    [Inject]
    public required IServiceScopeFactory ScopeFactory { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required IOptions<LokiApiOptions> LokiApi { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> AuthenticationState { get; set; }

    private ClaimsPrincipal User { get; set; } = new();

    /// <summary>What clients are configured with: promtail's push URL drops the last part, logcli's --addr is the app.</summary>
    private string LokiAddress => Navigation.ToAbsoluteUri("loki/api/v1/push").ToString();

    protected override async Task OnInitializedAsync()
    {
        User = (await AuthenticationState).User;
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        _loading = true;
        await using var scope = ScopeFactory.CreateAsyncScope();
        _keys = await scope.ServiceProvider.GetRequiredService<ApiKeyAdministration>().ListAsync(CancellationToken.None);
        _loading = false;
    }

    private async Task CreateAsync()
    {
        var parameters = new DialogParameters<NewApiKeyDialog> { { d => d.DefaultRateKilobytes, LokiApi.Value.DefaultIngestionRateBytes / 1024 } };
        var dialog = await Dialogs.ShowAsync<NewApiKeyDialog>("New API key", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: NewApiKeyInput input })
        {
            return;
        }

        ApiKeyCreated created;
        await using (var scope = ScopeFactory.CreateAsyncScope())
        {
            created = await scope.ServiceProvider.GetRequiredService<ApiKeyAdministration>().CreateAsync(
                User, input.Name, input.CanPush, input.CanRead, input.IngestionRateKilobytes * 1024, CancellationToken.None);
        }

        // The list shows the new key now, behind the dialog that shows it once.
        await ReloadAsync();
        StateHasChanged();
        RenderFragment usage = builder =>
        {
            builder.OpenComponent<ApiKeyUsagePanel>(0);
            builder.AddComponentParameter(1, nameof(ApiKeyUsagePanel.Address), Navigation.BaseUri.TrimEnd('/'));
            builder.AddComponentParameter(2, nameof(ApiKeyUsagePanel.PushUrl), LokiAddress);
            builder.AddComponentParameter(3, nameof(ApiKeyUsagePanel.KeyName), created.Key.Name);
            builder.AddComponentParameter(4, nameof(ApiKeyUsagePanel.Token), created.Token);
            builder.CloseComponent();
        };
        await SecretDialog.ShowAsync(Dialogs, "API key shown once", $"Created the key \"{created.Key.Name}\".", created.Token, "API key", usage);
    }

    private async Task RevokeAsync(ApiKeySummary key)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Revoke key",
            $"Revoke \"{key.Name}\"? Clients using it are refused from now on; this cannot be undone.", yesText: "Revoke", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        await using (var scope = ScopeFactory.CreateAsyncScope())
        {
            var revoked = await scope.ServiceProvider.GetRequiredService<ApiKeyAdministration>().RevokeAsync(User, key.Id, CancellationToken.None);
            Snackbar.Add(revoked ? $"Revoked \"{key.Name}\"." : $"\"{key.Name}\" was already revoked.", revoked ? Severity.Success : Severity.Warning);
        }

        await ReloadAsync();
    }
}
