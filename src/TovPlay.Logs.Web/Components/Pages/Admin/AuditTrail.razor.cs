using Microsoft.AspNetCore.Components;
using MudBlazor;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Components.Pages.Admin;

public partial class AuditTrail
{
    private MudTable<AppAuditEvent>? _table;
    private string? _action;
    private string? _text;
    private bool _failuresOnly;

    [Inject]
    public required AppAuditQuery Query { get; init; }

    private async Task<TableData<AppAuditEvent>> LoadAsync(TableState state, CancellationToken cancellationToken)
    {
        var page = await Query.ReadAsync(new AppAuditFilter(_action, _text, _failuresOnly), state.Page * state.PageSize, state.PageSize, cancellationToken);
        return new TableData<AppAuditEvent> { Items = page.Rows, TotalItems = page.Total };
    }

    private Task OnActionChangedAsync(string? value)
    {
        _action = value;
        return ReloadAsync();
    }

    private Task OnTextChangedAsync(string? value)
    {
        _text = value;
        return ReloadAsync();
    }

    private Task OnFailuresOnlyChangedAsync(bool value)
    {
        _failuresOnly = value;
        return ReloadAsync();
    }

    private Task ReloadAsync() => _table?.ReloadServerData() ?? Task.CompletedTask;
}
