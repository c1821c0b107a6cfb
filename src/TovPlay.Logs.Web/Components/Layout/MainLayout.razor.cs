using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;
using TovPlay.Logs.Web.Model;

namespace TovPlay.Logs.Web.Components.Layout;

public partial class MainLayout : IDisposable
{
    private MudThemeProvider? _themeProvider;
    private bool _drawerOpen = true;
    private bool _darkMode;
    private Preferences _preferences = new(null, true);

    // A toggle clicked before the stored preferences arrive waits for them: otherwise their arrival would undo it.
    private Task _loaded = Task.CompletedTask;

    [Inject]
    public required UserPreferences PreferenceStore { get; init; }

    [Inject]
    public required TimeDisplay Time { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> AuthenticationState { get; set; }

    protected override Task OnInitializedAsync()
    {
        Time.Changed += OnTimeChanged;
        _loaded = LoadAsync();
        return _loaded;
    }

    private async Task LoadAsync()
    {
        var auth = await AuthenticationState;
        _preferences = await PreferenceStore.LoadAsync(auth.User);
        _darkMode = _preferences.DarkMode ?? false;
        Time.SetShowUtc(_preferences.ShowUtc);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || !RendererInfo.IsInteractive)
        {
            return;
        }

        Time.SetBrowserZone(await JS.InvokeAsync<string?>("tovplayLogs.timeZone"));

        // No stored choice yet: follow the operating system until the user picks.
        if (_preferences.DarkMode is null && _themeProvider is not null)
        {
            var system = await _themeProvider.GetSystemDarkModeAsync();
            if (system != _darkMode)
            {
                _darkMode = system;
                StateHasChanged();
            }
        }
    }

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;

    private async Task ToggleDarkModeAsync()
    {
        await _loaded;
        _darkMode = !_darkMode;
        _preferences = _preferences with { DarkMode = _darkMode };
        await PreferenceStore.SaveAsync((await AuthenticationState).User, _preferences);
    }

    private async Task ToggleTimeZoneAsync()
    {
        await _loaded;
        _preferences = _preferences with { ShowUtc = !Time.ShowUtc };
        Time.SetShowUtc(_preferences.ShowUtc);
        await PreferenceStore.SaveAsync((await AuthenticationState).User, _preferences);
    }

    private void OnTimeChanged() => InvokeAsync(StateHasChanged);

    public void Dispose() => Time.Changed -= OnTimeChanged;
}
