using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Web.Investigations;
using TovPlay.Logs.Web.Model;
using TovPlay.Logs.Web.Model.Investigations;

namespace TovPlay.Logs.Web.Components.Pages;

/// <summary>
/// The investigation wizard, one scenario per address (<c>/investigate/{slug}</c>; <c>/investigate</c> is the wipe).
/// WHEN finds the window; leaving it runs the investigation once for that window (again
/// only when the window changes), and the later steps show its answers, so moving between them costs nothing.
/// </summary>
public partial class Investigate
{
    private static readonly string[] s_titles = ["WHEN", "WHAT", "WHO", "WHY / HOW", "PREVENT / RECOVER", "REPORT"];
    private int _step;
    private bool _saving;
    private bool _installing;

    [Inject]
    public required GuardInstaller Guards { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required InvestigationStore Store { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required TimeProvider Clock { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> Authentication { get; set; }

    [Inject]
    public required InvestigationViewModel ViewModel { get; init; }

    [Parameter]
    public string? Slug { get; set; }

    /// <summary>A link's subject (a table, a username, a path...), set into WHEN.</summary>
    [SupplyParameterFromQuery(Name = "subject")]
    public string? LinkedSubject { get; set; }

    /// <summary>A link's approximate time: set into WHEN, which then looks at once.</summary>
    [SupplyParameterFromQuery(Name = "around")]
    public string? LinkedAround { get; set; }

    private bool _findOnStart;

    private bool _unknownSlug;
    private ScenarioKind? _startedFor;

    [Inject]
    public required TimeDisplay Time { get; init; }

    [CascadingParameter(Name = "DarkMode")]
    public bool Dark { get; set; }

    private InvestigationResult? Answer => ViewModel.IsCurrent ? ViewModel.Result : null;

    private async Task FindAsync()
    {
        if (await ViewModel.When.FindAsync(CancellationToken.None, () => _ = InvokeAsync(StateHasChanged)) && ViewModel.When.Origin == WindowOrigin.Proposed)
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

    protected override void OnParametersSet()
    {
        var scenario = Scenario.FromSlug(Slug ?? "wipe");
        _unknownSlug = scenario is null;
        var kind = (scenario ?? Scenario.Of(ScenarioKind.Wipe)).Kind;
        if (kind != _startedFor)
        {
            _startedFor = kind;
            ViewModel.Start(kind);
            _step = 0;
            // Too long a value is kept (cut to a bound) so WHEN's check says what is wrong with it.
            if (!string.IsNullOrWhiteSpace(LinkedSubject))
            {
                ViewModel.When.Subject = LinkedSubject[..Math.Min(LinkedSubject.Length, 1000)];
            }

            if (!string.IsNullOrWhiteSpace(LinkedAround))
            {
                ViewModel.When.Around = LinkedAround[..Math.Min(LinkedAround.Length, 1000)];
                _findOnStart = true;
            }
        }
    }

    /// <summary>A link that says when: WHEN looks at once, as if the operator had pressed Find (only once the page is live).</summary>
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_findOnStart && RendererInfo.IsInteractive)
        {
            _findOnStart = false;
            await FindAsync();
            StateHasChanged();
        }
    }

    /// <summary>Freezes the answer and opens the saved investigation, where the reports are.</summary>
    private async Task SaveAsync()
    {
        var user = (await Authentication).User;
        if (!ViewModel.ValidateTitle() || ViewModel.Report(user.Identity?.Name ?? "unknown", Clock.GetUtcNow()) is not { } report)
        {
            return;
        }

        _saving = true;
        try
        {
            var id = await Store.SaveAsync(report, user, CancellationToken.None);
            Navigation.NavigateTo($"investigations/{id:D}");
        }
        finally
        {
            _saving = false;
        }
    }

    /// <summary>An Admin installs the recommended guard, after saying yes to exactly what it will refuse.</summary>
    private async Task InstallGuardAsync(GuardTarget guard)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Install the mass-change guard",
            $"From now on a DELETE or UPDATE changing more than {guard.MaxRows:N0} rows of {guard.Schema}.{guard.Table}, or a TRUNCATE of it holding more, is refused "
            + $"unless its transaction first runs SET LOCAL {MassChangeGuard.OverrideSetting} = on. Install it?", yesText: "Install", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        _installing = true;
        try
        {
            var error = await Guards.InstallAsync(guard, (await Authentication).User, CancellationToken.None);
            Snackbar.Add(error ?? $"Guard installed on {guard.Schema}.{guard.Table}: over {guard.MaxRows:N0} rows is refused.", error is null ? Severity.Success : Severity.Error);
        }
        finally
        {
            _installing = false;
        }
    }

    private string AuditLink(AuditStatement tx) =>
        $"audit?tx={tx.TxId}&from={ViewModel.When.WindowStart!.Value.ToUnixTimeMilliseconds()}&to={ViewModel.When.WindowEnd!.Value.ToUnixTimeMilliseconds()}&statement={tx.Id}";

    /// <summary>The rule form pre-filled with the recommendation: its query (which compares by itself), its title as name and summary, and the way back here.</summary>
    private string AlertRuleLink(Recommendation recommendation)
    {
        var back = Navigation.ToBaseRelativePath(Navigation.Uri);
        var subject = string.IsNullOrWhiteSpace(ViewModel.When.Subject) ? null : ViewModel.When.Subject.Trim();
        return "alerts/rules/new?query=" + Uri.EscapeDataString(recommendation.Change)
            + "&name=" + Uri.EscapeDataString(recommendation.Title)
            + "&scenario=" + Uri.EscapeDataString(ViewModel.Scenario.Slug)
            + (subject is null ? "" : "&subject=" + Uri.EscapeDataString(subject))
            + "&investigation=" + Uri.EscapeDataString(Navigation.BaseUri + back);
    }
}
