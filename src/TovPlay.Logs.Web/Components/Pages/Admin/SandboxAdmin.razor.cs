using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using MudBlazor;
using Npgsql;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Sandbox;

namespace TovPlay.Logs.Web.Components.Pages.Admin;

/// <summary>The sandbox's state, its incidents to play, and each played one with its investigation and its story (hidden until asked).</summary>
public partial class SandboxAdmin : IDisposable
{
    private readonly HashSet<PlayedIncident> _revealed = [];
    private string? _playing;
    private string? _error;
    private bool _repairing;

    [Inject]
    public required SandboxState State { get; init; }

    [Inject]
    public required IOptions<SandboxOptions> Options { get; init; }

    [Inject]
    public required IServiceProvider Services { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> Authentication { get; set; }

    /// <summary>Null when this app runs no sandbox: then there is nothing to play.</summary>
    private IncidentPlayer? Player => Services.GetService<IncidentPlayer>();

    private Color PhaseColor => State.Phase switch
    {
        SandboxPhase.Live => Color.Success,
        SandboxPhase.Failed => Color.Error,
        SandboxPhase.Off => Color.Default,
        _ => Color.Warning,
    };

    protected override void OnInitialized() => State.Changed += OnChanged;

    private void OnChanged() => _ = InvokeAsync(StateHasChanged);

    private void Toggle(PlayedIncident played)
    {
        if (!_revealed.Remove(played))
        {
            _revealed.Add(played);
        }
    }

    private async Task PlayAsync(string slug)
    {
        if (Player is not { } player)
        {
            return;
        }

        _playing = slug;
        _error = null;
        try
        {
            var play = await player.PlayAsync(slug, (await Authentication).User, CancellationToken.None);
            Snackbar.Add($"Played \"{play.Incident.Title}\". Investigate it, then reveal what really happened.", Severity.Success);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or ArgumentException or LinesRefusedException or HttpRequestException)
        {
            _error = $"The incident {slug} could not be played: {ex.Message}";
        }
        finally
        {
            _playing = null;
        }
    }

    private async Task RepairAsync()
    {
        _repairing = true;
        try
        {
            await Services.GetRequiredService<SandboxDatabase>().PrepareAsync(Options.Value.Database, CancellationToken.None);
            Snackbar.Add("The sandbox's tables are all there, and audited.", Severity.Success);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            _error = "The tables could not be made again: " + ex.Message;
        }
        finally
        {
            _repairing = false;
        }
    }

    public void Dispose() => State.Changed -= OnChanged;
}
