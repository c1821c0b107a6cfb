using Microsoft.AspNetCore.Components;
using MudBlazor;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Web.Model;
using TovPlay.Logs.Web.Model.Investigations;

namespace TovPlay.Logs.Web.Components.Pages;

/// <summary>
/// The wiped-table wizard. WHEN finds the window; leaving it runs the investigation once for that window (again
/// only when the window changes), and the later steps show its answers, so moving between them costs nothing.
/// </summary>
public partial class Investigate
{
    private static readonly string[] s_titles = ["WHEN", "WHAT", "WHO", "WHY / HOW", "PREVENT / RECOVER"];
    private int _step;

    [Inject]
    public required WipeViewModel ViewModel { get; init; }

    [Inject]
    public required TimeDisplay Time { get; init; }

    [CascadingParameter(Name = "DarkMode")]
    public bool Dark { get; set; }

    private bool Answered => ViewModel.IsCurrent;

    private InvestigationResult? Answer => ViewModel.IsCurrent ? ViewModel.Result : null;

    private async Task FindAsync()
    {
        if (await ViewModel.When.FindAsync(CancellationToken.None) && ViewModel.When.Origin == WindowOrigin.Proposed)
        {
            // A proposed window is worth answering at once: the WHAT step is then ready when the operator moves on.
            await ViewModel.InvestigateAsync(CancellationToken.None);
        }
    }

    private async Task GoAsync(int step)
    {
        if (step > 0)
        {
            await ViewModel.InvestigateAsync(CancellationToken.None);
        }

        _step = step;
    }

    /// <summary>A click on a step's title: past WHEN only with a window, and with the answer for it.</summary>
    private async Task PreviewAsync(StepperInteractionEventArgs args)
    {
        if (args.Action != StepAction.Activate || args.StepIndex == 0)
        {
            return;
        }

        if (!ViewModel.When.HasWindow)
        {
            args.Cancel = true;
            return;
        }

        await ViewModel.InvestigateAsync(CancellationToken.None);
    }

    private string AuditLink(AuditStatement tx) =>
        $"audit?tx={tx.TxId}&from={ViewModel.When.WindowStart!.Value.ToUnixTimeMilliseconds()}&to={ViewModel.When.WindowEnd!.Value.ToUnixTimeMilliseconds()}&statement={tx.Id}";
}
