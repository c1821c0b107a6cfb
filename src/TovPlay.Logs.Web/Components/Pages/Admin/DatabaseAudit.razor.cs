using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Npgsql;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.Components.Dialogs;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Components.Pages.Admin;

/// <summary>Installs and removes the audit trail per table, with the coverage report and the exact SQL beforehand.</summary>
public partial class DatabaseAudit
{
    private IReadOnlyList<TableCoverage> _coverage = [];
    private HashSet<TableCoverage> _selected = [];
    private string _filter = "";
    private string? _error;
    private bool _busy;

    [Inject]
    public required AuditInstaller Installer { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required AppAuditLog AuditLog { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> Authentication { get; set; }

    private string Summary =>
        $"{_coverage.Count(c => c.State == CoverageState.Audited)} of {_coverage.Count} audited"
        + (_coverage.Count(c => c.State is CoverageState.Broken or CoverageState.Outdated or CoverageState.PartitionMissingTriggers or CoverageState.NewSinceInstall) is > 0 and var attention
            ? $", {attention} need attention" : "");

    protected override Task OnInitializedAsync() => LoadAsync();

    private bool Matches(TableCoverage coverage) =>
        _filter.Length == 0 || coverage.Table.Display.Contains(_filter, StringComparison.OrdinalIgnoreCase) || StateName(coverage.State).Contains(_filter, StringComparison.OrdinalIgnoreCase);

    private async Task LoadAsync()
    {
        await RunAsync(async () =>
        {
            _coverage = await Installer.CoverageAsync(CancellationToken.None);
            _selected = [];
        });
    }

    private async Task PreviewAsync()
    {
        var sql = Installer.PreviewInstall(Chosen());
        await Dialogs.ShowAsync<SqlPreviewDialog>("SQL an install runs", new DialogParameters<SqlPreviewDialog> { { d => d.Sql, sql } },
            new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true, CloseOnEscapeKey = true });
    }

    private async Task InstallAsync()
    {
        var tables = Chosen();
        await RunAsync(async () =>
        {
            await Installer.InstallAsync(tables, CancellationToken.None);
            await RecordAsync(AppAuditActions.DatabaseAuditInstalled, tables);
            Snackbar.Add($"Audit installed on {tables.Count} table(s).", Severity.Success);
            _coverage = await Installer.CoverageAsync(CancellationToken.None);
            _selected = [];
        });
    }

    private async Task RemoveAsync()
    {
        var tables = Chosen();
        var confirmed = await Dialogs.ShowMessageBoxAsync("Remove audit",
            $"Stop capturing changes to {string.Join(", ", tables.Select(t => t.Display))}? What was captured stays.", yesText: "Remove", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        await RunAsync(async () =>
        {
            await Installer.RemoveAsync(tables, CancellationToken.None);
            await RecordAsync(AppAuditActions.DatabaseAuditRemoved, tables);
            Snackbar.Add($"Audit removed from {tables.Count} table(s).", Severity.Info);
            _coverage = await Installer.CoverageAsync(CancellationToken.None);
            _selected = [];
        });
    }

    private List<AuditedTable> Chosen() => [.. _selected.Select(c => c.Table)];

    private async Task RecordAsync(string action, IReadOnlyCollection<AuditedTable> tables)
    {
        var user = (await Authentication).User;
        var names = string.Join(", ", tables.Select(t => t.Display));
        await AuditLog.WriteAsync(AppAuditEntry.By(user, action, "database audit", details: names.Length > 1900 ? names[..1900] + "…" : names));
    }

    /// <summary>Runs an action against the audited database; a failure is shown, not swallowed.</summary>
    private async Task RunAsync(Func<Task> action)
    {
        _busy = true;
        _error = null;
        try
        {
            await action();
        }
        catch (Exception ex) when (ex is InvalidOperationException or NpgsqlException)
        {
            _error = ex.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    private static string StateName(CoverageState state) => state switch
    {
        CoverageState.NotAudited => "Not audited",
        CoverageState.NewSinceInstall => "New since install",
        CoverageState.PartitionMissingTriggers => "Partition without triggers",
        _ => state.ToString(),
    };

    private static Color StateColor(CoverageState state) => state switch
    {
        CoverageState.Audited => Color.Success,
        CoverageState.NotAudited => Color.Default,
        CoverageState.Broken => Color.Error,
        _ => Color.Warning,
    };
}
