using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Components.Dialogs;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Components.Pages.Admin;

public partial class Users
{
    private IReadOnlyList<UserSummary> _users = [];
    private bool _loading = true;

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
    }

    private async Task ReloadAsync()
    {
        _loading = true;
        await using var scope = ScopeFactory.CreateAsyncScope();
        _users = await scope.ServiceProvider.GetRequiredService<UserAdministration>().ListAsync(CancellationToken.None);
        _loading = false;
    }

    /// <summary>
    /// Each change gets its own scope: the circuit lives long, and Identity's tracked entities must not
    /// carry one change's state into the next.
    /// </summary>
    private async Task<UserChangeResult> RunAsync(Func<UserAdministration, Task<UserChangeResult>> change)
    {
        UserChangeResult result;
        await using (var scope = ScopeFactory.CreateAsyncScope())
        {
            result = await change(scope.ServiceProvider.GetRequiredService<UserAdministration>());
        }

        Snackbar.Add(result.Message, result.Succeeded ? Severity.Success : Severity.Error);
        if (result.GeneratedPassword is not null)
        {
            await SecretDialog.ShowAsync(Dialogs, "Password shown once", result.Message, result.GeneratedPassword);
        }

        await ReloadAsync();
        return result;
    }

    private async Task CreateAsync()
    {
        var parameters = new DialogParameters<NewUserDialog> { { d => d.Create, CreateUserAsync } };
        var dialog = await Dialogs.ShowAsync<NewUserDialog>("New user", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: UserChangeResult created })
        {
            Snackbar.Add(created.Message, Severity.Success);
            if (created.GeneratedPassword is not null)
            {
                await SecretDialog.ShowAsync(Dialogs, "Password shown once", created.Message, created.GeneratedPassword);
            }

            await ReloadAsync();
        }
    }

    private async Task<UserChangeResult> CreateUserAsync(Model.Forms.NewUserInput input)
    {
        await using var scope = ScopeFactory.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserAdministration>()
            .CreateAsync(User, input.Email, input.Role, string.IsNullOrEmpty(input.Password) ? null : input.Password);
    }

    private async Task EditRolesAsync(UserSummary user)
    {
        var parameters = new DialogParameters<RolesDialog> { { d => d.Email, user.Email }, { d => d.Selected, user.Roles.ToHashSet() } };
        var dialog = await Dialogs.ShowAsync<RolesDialog>($"Roles of {user.Email}", parameters);
        if (await dialog.Result is { Canceled: false, Data: IReadOnlyCollection<string> roles })
        {
            await RunAsync(a => a.SetRolesAsync(User, user.Id, roles));
        }
    }

    private async Task ResetPasswordAsync(UserSummary user)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Reset password",
            $"Give {user.Email} a new generated password? The old one stops working and open sessions end.", yesText: "Reset", cancelText: "Cancel");
        if (confirmed == true)
        {
            await RunAsync(a => a.ResetPasswordAsync(User, user.Id));
        }
    }

    private async Task DeleteAsync(UserSummary user)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete user",
            $"Delete {user.Email}? Their entries in the audit trail stay.", yesText: "Delete", cancelText: "Cancel");
        if (confirmed == true)
        {
            await RunAsync(a => a.DeleteAsync(User, user.Id));
        }
    }

    private static Color RoleColor(string role) => role switch
    {
        AppRoles.Admin => Color.Error,
        AppRoles.Investigator => Color.Warning,
        _ => Color.Info,
    };
}
