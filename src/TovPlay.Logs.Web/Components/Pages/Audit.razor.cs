using Microsoft.AspNetCore.Components;
using MudBlazor;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.Model.Audit;

namespace TovPlay.Logs.Web.Components.Pages;

/// <summary>
/// Audit: the address is the view. Applying the filter or opening a statement navigates; reading the address
/// searches when the filter changed and opens the statement it names, so a view can be shared and walked back.
/// </summary>
public partial class Audit
{
    private string? _searchedFor;

    [Inject]
    public required AuditReader Reader { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [SupplyParameterFromQuery(Name = "table")]
    public string? TableParameter { get; set; }

    [SupplyParameterFromQuery(Name = "action")]
    public string? ActionParameter { get; set; }

    [SupplyParameterFromQuery(Name = "role")]
    public string? RoleParameter { get; set; }

    [SupplyParameterFromQuery(Name = "user")]
    public string? UserParameter { get; set; }

    [SupplyParameterFromQuery(Name = "client")]
    public string? ClientParameter { get; set; }

    [SupplyParameterFromQuery(Name = "application")]
    public string? ApplicationParameter { get; set; }

    [SupplyParameterFromQuery(Name = "correlation")]
    public string? CorrelationParameter { get; set; }

    [SupplyParameterFromQuery(Name = "tx")]
    public string? TxParameter { get; set; }

    [SupplyParameterFromQuery(Name = "from")]
    public string? FromParameter { get; set; }

    [SupplyParameterFromQuery(Name = "to")]
    public string? ToParameter { get; set; }

    [SupplyParameterFromQuery(Name = "statement")]
    public long? StatementParameter { get; set; }

    private AuditViewModel ViewModel { get; set; } = default!;

    [Inject]
    public required Microsoft.Extensions.Options.IOptions<AuditOptions> AuditOptions { get; init; }

    private bool Configured => AuditOptions.Value.IsConfigured;

    private const string NotConfigured = "No audited database is configured (Audit:TargetConnection): there are no statements to show, export or restore.";

    protected override void OnInitialized() => ViewModel = new AuditViewModel(Reader);

    protected override async Task OnParametersSetAsync()
    {
        var values = new Dictionary<string, string?>
        {
            ["table"] = TableParameter, ["action"] = ActionParameter, ["role"] = RoleParameter, ["user"] = UserParameter, ["client"] = ClientParameter,
            ["application"] = ApplicationParameter, ["correlation"] = CorrelationParameter, ["tx"] = TxParameter, ["from"] = FromParameter, ["to"] = ToParameter,
        };
        // Without an audited database there is nothing to read: the page says so once, above.
        if (!ViewModel.ReadAddress(values.GetValueOrDefault) || !Configured)
        {
            return;
        }

        var filter = ViewModel.Filter.ToQueryString();
        if (filter != _searchedFor)
        {
            _searchedFor = filter;
            await ViewModel.SearchAsync(CancellationToken.None);
        }

        await ViewModel.SelectAsync(StatementParameter, CancellationToken.None);
    }

    private void Apply()
    {
        if (ViewModel.TryApply())
        {
            // Re-reading the same address searches again, so Apply also refreshes.
            _searchedFor = null;
            NavigateTo(ViewModel.Filter, null);
        }
    }

    private void Clear()
    {
        _searchedFor = null;
        NavigateTo(new AuditFilter(), null);
    }

    private Task MoreAsync() => ViewModel.MoreAsync(CancellationToken.None);

    private void Open(TableRowClickEventArgs<AuditStatement> click)
    {
        if (click.Item is { } statement)
        {
            NavigateTo(ViewModel.Filter, statement.Id);
        }
    }

    private void Close() => NavigateTo(ViewModel.Filter, null);

    /// <summary>The statement's transaction: every statement in it, whatever else the filter said.</summary>
    private void ShowTransaction()
    {
        if (ViewModel.Selected is { } selected)
        {
            _searchedFor = null;
            NavigateTo(new AuditFilter { TxId = selected.TxId, Range = ViewModel.Filter.Range }, selected.Id);
        }
    }

    private void NavigateTo(AuditFilter filter, long? statement)
    {
        var query = filter.ToQueryString();
        if (statement is { } id)
        {
            query += (query.Length > 0 ? "&" : "") + "statement=" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        Navigation.NavigateTo("audit" + (query.Length > 0 ? "?" + query : ""));
    }

    private string RowClass(AuditStatement statement, int index) => statement.Id == ViewModel.Selected?.Id ? "selected-row" : "";

    private static Color ActionColor(string action) => action switch
    {
        "INSERT" => Color.Success,
        "UPDATE" => Color.Info,
        "DELETE" => Color.Warning,
        _ => Color.Error,
    };
}
