using System.Net;

namespace TovPlay.Logs.Web.Alerting;

public static class AlertingServices
{
    public static IServiceCollection AddAppAlerting(this IServiceCollection services)
    {
        services.AddOptions<AlertingOptions>().BindConfiguration(AlertingOptions.Section)
            .Validate(o => o.HistoryDays is >= 1 and <= 3650, "Alerting:HistoryDays must be 1 to 3650")
            .Validate(o => o.MaxDeliveryAttempts is >= 1 and <= 100, "Alerting:MaxDeliveryAttempts must be 1 to 100")
            .Validate(o => o.MaxConcurrentEvaluations is >= 1 and <= 256, "Alerting:MaxConcurrentEvaluations must be 1 to 256")
            .Validate(o => Uri.TryCreate(o.ExternalUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https", "Alerting:ExternalUrl must be the app's http(s) address")
            .Validate(o => o.PrometheusUrl.Length == 0 || Uri.TryCreate(o.PrometheusUrl, UriKind.Absolute, out _), "Alerting:PrometheusUrl must be an absolute address")
            .ValidateOnStart();

        // Discord is called without redirects (a redirect could lead off Discord's hosts) and without automatic
        // retries: the dispatcher decides what to retry, so a message is never posted twice behind its back.
        services.AddHttpClient(DiscordDispatcher.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.All });
        services.AddHttpClient(PrometheusClient.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));

        services.AddSingleton<AlertingSignals>();
        services.AddSingleton<AlertingMetrics>();
        services.AddSingleton<AlertingDatabase>();
        services.AddSingleton<AlertingLeader>();
        services.AddSingleton<SqlProbe>();
        services.AddSingleton<PrometheusClient>();
        services.AddSingleton<AppChecks>();
        services.AddSingleton<RuleQueryRunner>();
        services.AddSingleton<AlertStateStore>();
        services.AddSingleton<ExternalAlertStore>();
        services.AddSingleton<AlertingConfigurationReader>();
        // Per circuit or request: they write the app's audit trail, which knows who asks and from where.
        services.AddScoped<AlertRuleStore>();
        services.AddScoped<ContactPointStore>();
        services.AddScoped<NotificationPolicyStore>();
        services.AddScoped<SilenceStore>();
        services.AddScoped<MuteTimingStore>();
        services.AddScoped<OutboxStore>();
        services.AddScoped<AlertingInterop>();
        services.AddSingleton<AlertNotifier>();
        services.AddSingleton<DiscordDispatcher>();
        services.AddHostedService<AlertEvaluator>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertNotifier>());
        services.AddHostedService(sp => sp.GetRequiredService<DiscordDispatcher>());
        return services;
    }
}
