using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Web.Alerting;
using TovPlay.Logs.Web.Model.Alerting;

namespace TovPlay.Logs.Web.Components.Pages.Alerts;

public partial class RuleEditor
{
    private readonly CancellationTokenSource _disposed = new();
    private RuleFormModel _form = new();
    private AlertRule _rule = new();
    private string _loadedName = "";
    private bool _notFound;
    private bool _saving;
    private bool _triedSave;
    private string? _fromInvestigation;
    private TimeSpan _backtestWindow = TimeSpan.FromHours(24);

    [Parameter]
    public Guid? Id { get; set; }

    /// <summary>Pre-fill from a link (the wizard's "Create this alert rule"): the query with its own comparison.</summary>
    [SupplyParameterFromQuery(Name = "query")]
    public string? LinkedQuery { get; set; }

    [SupplyParameterFromQuery(Name = "name")]
    public string? LinkedName { get; set; }

    [SupplyParameterFromQuery(Name = "scenario")]
    public string? LinkedScenario { get; set; }

    [SupplyParameterFromQuery(Name = "subject")]
    public string? LinkedSubject { get; set; }

    /// <summary>The investigation the rule came from, kept as an annotation linking back to it.</summary>
    [SupplyParameterFromQuery(Name = "investigation")]
    public string? LinkedInvestigation { get; set; }

    [SupplyParameterFromQuery(Name = "builtin")]
    public string? LinkedBuiltIn { get; set; }

    [Inject]
    public required IServiceScopeFactory ScopeFactory { get; init; }

    [Inject]
    public required RulePreviewModel Preview { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> AuthenticationState { get; set; }

    [CascadingParameter(Name = "DarkMode")]
    public bool Dark { get; set; }

    private ClaimsPrincipal User { get; set; } = new();

    private AlertThreshold? ThresholdNow => _rule.Threshold;

    private string QueryLabel => _form.Source switch
    {
        AlertDataSource.Sql => "SQL (one SELECT; a numeric column named value, the other columns become labels)",
        AlertDataSource.PromQL => "PromQL",
        _ => "LogQL metric query",
    };

    private string QueryHelp => _form.Source switch
    {
        AlertDataSource.Sql => "Runs read-only with a statement timeout; PostgreSQL checks it when you save.",
        AlertDataSource.PromQL => "Prometheus checks it when you save.",
        _ => "For example: sum by (path) (count_over_time({job=\"tovplay-backend\"} |= \"error\" [5m]))",
    };

    protected override async Task OnInitializedAsync()
    {
        User = (await AuthenticationState).User;
        if (Id is { } id)
        {
            await using var scope = ScopeFactory.CreateAsyncScope();
            var summary = await scope.ServiceProvider.GetRequiredService<AlertRuleStore>().GetAsync(id, _disposed.Token);
            if (summary is null)
            {
                _notFound = true;
                return;
            }

            _form = RuleFormModel.From(summary.Rule, summary.Version);
            _loadedName = summary.Rule.Name;
        }
        else if (LinkedBuiltIn is not null && BuiltInRules.Find(LinkedBuiltIn) is { } builtIn)
        {
            _form = RuleFormModel.From(builtIn.SwitchOn(), null);
        }
        else if (!string.IsNullOrWhiteSpace(LinkedQuery))
        {
            _fromInvestigation = LinkedInvestigation;
            _form = new RuleFormModel
            {
                Query = LinkedQuery,
                UseThreshold = false,
                Name = RuleName(LinkedName),
                Interval = "30s",
                Summary = LinkedName ?? "",
            };
            Annotate("scenario", LinkedScenario);
            Annotate("subject", LinkedSubject);
            Annotate("investigation", LinkedInvestigation);
        }

        Check();
    }

    private void Annotate(string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            _form.Annotations.Add(new NameValueRow { Name = name, Value = value });
        }
    }

    /// <summary>A recommendation's title as an alert name: "Alert on error bursts at /api/games" → "ErrorBurstsAtApiGames".</summary>
    private static string RuleName(string? title)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            return "";
        }

        var words = title.Replace("Alert on ", "", StringComparison.OrdinalIgnoreCase).Replace("Alert when ", "", StringComparison.OrdinalIgnoreCase)
            .Split([' ', '/', '-', '_', '.', ':'], StringSplitOptions.RemoveEmptyEntries);
        var name = string.Concat(words.Select(w => char.ToUpperInvariant(w[0]) + w[1..]).Where(w => w.All(c => char.IsLetterOrDigit(c))));
        return name.Length > AlertRule.MaxNameLength ? name[..AlertRule.MaxNameLength] : name;
    }

    private void Check()
    {
        _form.Check();
        _rule = _form.ToRule(out _);
    }

    private void Set(Action change)
    {
        change();
        Check();
    }

    private void QueryChanged(string value) => Set(() => _form.Query = value);

    private void ThresholdModeChanged(bool value) => Set(() => _form.UseThreshold = value);

    private void SourceChanged(AlertDataSource source) => Set(() =>
    {
        _form.Source = source;
        if (source == AlertDataSource.Check && !AlertChecks.All.ContainsKey(_form.Query))
        {
            _form.Query = AlertChecks.All.Keys.First();
        }
        else if (source != AlertDataSource.Check && AlertChecks.All.ContainsKey(_form.Query))
        {
            _form.Query = "";
        }
    });

    private async Task PreviewAsync()
    {
        _form.ShowAll = true;
        Check();
        if (_form.ProblemOf("Query") is not null)
        {
            return;
        }

        await Preview.PreviewAsync(_rule, _disposed.Token);
    }

    private async Task BacktestAsync()
    {
        _form.ShowAll = true;
        Check();
        if (_form.ProblemOf("Query") is not null)
        {
            return;
        }

        await using var scope = ScopeFactory.CreateAsyncScope();
        var tree = await scope.ServiceProvider.GetRequiredService<NotificationPolicyStore>().GetAsync(_disposed.Token);
        var repeat = AlertRouting.Route(tree.Root, AlertEvaluation.LabelsOf(_rule, Domain.Logs.LabelSet.Empty)).Select(d => d.RepeatInterval).DefaultIfEmpty(AlertRouting.DefaultRepeatInterval).Min();
        await Preview.BacktestAsync(_rule, _backtestWindow, repeat, _disposed.Token);
    }

    private async Task SaveAsync()
    {
        _triedSave = true;
        _form.ShowAll = true;
        _saving = true;
        try
        {
            var rule = _form.ToRule(out var formProblems);
            if (formProblems.Count > 0)
            {
                _form.Show(formProblems.Concat(AlertRuleProblems.Of(rule)));
                return;
            }

            await using var scope = ScopeFactory.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<AlertRuleStore>().SaveAsync(rule, _form.Version, User, _disposed.Token);
            if (!result.Saved)
            {
                _form.Show(result.Problems);
                return;
            }

            Snackbar.Add($"{rule.Name} saved; it is evaluated from now on.", Severity.Success);
            Navigation.NavigateTo($"alerts/rules/{result.Id}");
        }
        finally
        {
            _saving = false;
        }
    }

    private static string Field(string name) => name switch
    {
        "PendingFor" => "Pending period",
        "KeepFiringFor" => "Keep firing for",
        "RunbookUrl" => "Runbook URL",
        _ => name,
    };

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
