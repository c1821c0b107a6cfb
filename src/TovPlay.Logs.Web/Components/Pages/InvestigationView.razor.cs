using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Investigations;
using TovPlay.Logs.Web.Model;

namespace TovPlay.Logs.Web.Components.Pages;

/// <summary>A saved investigation reopened (which the app's audit trail records): its frozen report, status, notes and exports.</summary>
public partial class InvestigationView
{
    private OpenedInvestigation? _opened;
    private bool _missing;
    private bool _busy;
    private InvestigationStatus _status;
    private string? _notes;
    private string? _notesError;

    [Parameter]
    public Guid Id { get; set; }

    [Inject]
    public required InvestigationStore Store { get; init; }

    [Inject]
    public required TimeDisplay Time { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> Authentication { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        // Each opening is written to the app's audit trail: once per investigation shown, not once per re-render.
        if (_opened?.Record.Id == Id)
        {
            return;
        }

        _opened = await Store.OpenAsync(Id, (await Authentication).User, CancellationToken.None);
        _missing = _opened is null;
        (_status, _notes) = _opened is { } o ? (o.Record.Status, o.Record.Notes) : (InvestigationStatus.Open, null);
    }

    private async Task SaveAsync()
    {
        _notesError = _notes is { Length: > SavedInvestigation.MaxNotesLength } ? $"Longer than {SavedInvestigation.MaxNotesLength:N0} characters." : null;
        if (_notesError is not null)
        {
            return;
        }

        _busy = true;
        try
        {
            if (await Store.UpdateAsync(Id, _status, _notes, (await Authentication).User, CancellationToken.None))
            {
                Snackbar.Add("Saved.", Severity.Success);
            }
            else
            {
                Snackbar.Add("This investigation no longer exists.", Severity.Error);
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task CopyLinkAsync()
    {
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", Navigation.Uri);
            Snackbar.Add("Link copied.", Severity.Info);
        }
        catch (JSException)
        {
            Snackbar.Add("The browser refused the clipboard: copy the link shown beside the button.", Severity.Warning);
        }
    }
}
