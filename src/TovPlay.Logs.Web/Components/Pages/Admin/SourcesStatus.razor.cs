using Microsoft.AspNetCore.Components;
using TovPlay.Logs.Web.ApiKeys;
using TovPlay.Logs.Web.Status;

namespace TovPlay.Logs.Web.Components.Pages.Admin;

/// <summary>Each source checked, and how to connect a real TovPlay: what to paste where.</summary>
public partial class SourcesStatus
{
    private IReadOnlyList<SourceCheck>? _checks;
    private bool _checking;
    private string _keyName = "promtail";
    private string? _keyError;
    private bool _creatingKey;
    private string? _createdKey;
    private string? _createdKeyName;

    [Inject]
    public required IServiceScopeFactory Scopes { get; init; }

    [CascadingParameter]
    public required Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState> Authentication { get; set; }

    [Inject]
    public required SourceChecks Checks { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    private string PushUrl => Navigation.ToAbsoluteUri("loki/api/v1/push").ToString();

    private string Promtail => $$"""
        clients:
          - url: {{PushUrl}}
            bearer_token: "{{_createdKey ?? "<the push key>"}}"
        scrape_configs:
          - job_name: tovplay-backend
            static_configs:
              - targets: [localhost]
                labels: {job: tovplay-backend, env: prod, __path__: /var/log/tovplay/backend.log}
          - job_name: postgres
            static_configs:
              - targets: [localhost]
                labels: {job: postgres, env: prod, __path__: /var/log/postgresql/*.log}
        """;

    private const string AuditSetting = "Audit__TargetConnection='Host=db.internal;Port=5432;Database=tovplay;Username=tovplay_audit_admin;Password=<secret>'";

    private const string PostgresSettings = """
        log_connections = on
        log_disconnections = on
        log_statement = 'ddl'
        log_line_prefix = '%m [%p] %q%u@%d '
        """;

    private const string OtlpSettings = """
        OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4317
        OTEL_EXPORTER_OTLP_PROTOCOL=grpc
        """;

    protected override Task OnInitializedAsync() => CheckAsync();

    /// <summary>A push-only key for promtail, put into the configuration in full; like every key, shown only now.</summary>
    private async Task CreatePushKeyAsync()
    {
        _keyError = _keyName.Trim() is { Length: > 0 and <= ApiKeyAdministration.MaxNameLength } ? null : $"Give the key a name of 1 to {ApiKeyAdministration.MaxNameLength} characters.";
        if (_keyError is not null)
        {
            return;
        }

        _creatingKey = true;
        try
        {
            await using var scope = Scopes.CreateAsyncScope();
            var created = await scope.ServiceProvider.GetRequiredService<ApiKeyAdministration>()
                .CreateAsync((await Authentication).User, _keyName.Trim(), canPush: true, canRead: false, ingestionRateBytes: null, CancellationToken.None);
            (_createdKey, _createdKeyName) = (created.Token, created.Key.Name);
        }
        catch (ArgumentException ex)
        {
            _keyError = ex.Message;
        }
        finally
        {
            _creatingKey = false;
        }
    }

    private async Task CheckAsync()
    {
        _checking = true;
        try
        {
            _checks = await Checks.AllAsync(CancellationToken.None);
        }
        finally
        {
            _checking = false;
        }
    }
}
