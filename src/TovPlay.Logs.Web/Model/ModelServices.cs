namespace TovPlay.Logs.Web.Model;

public static class ModelServices
{
    public static IServiceCollection AddAppModel(this IServiceCollection services)
    {
        services.AddScoped<TimeDisplay>();
        services.AddScoped<UserPreferences>();
        services.AddOptions<ExternalLinksOptions>().BindConfiguration(ExternalLinksOptions.Section)
            .Validate(o => o.JaegerTraceUrl.Length == 0 || (o.JaegerTraceUrl.Contains("{traceId}", StringComparison.Ordinal) && Uri.TryCreate(o.JaegerTraceUrl.Replace("{traceId}", "x", StringComparison.Ordinal), UriKind.Absolute, out var url) && url.Scheme is "http" or "https"),
                "Links:JaegerTraceUrl must be an http(s) URL containing {traceId}")
            .Validate(o => o.GrafanaUrl.Length == 0 || (Uri.TryCreate(o.GrafanaUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && o.GrafanaLokiDatasourceUid.Length is > 0 and <= 40),
                "Links:GrafanaUrl must be an http(s) URL, with Links:GrafanaLokiDatasourceUid set to the Loki data source's uid")
            .ValidateOnStart();
        services.AddSingleton<ExternalLinks>();
        services.AddTransient<Investigations.WhenViewModel>();
        services.AddTransient<Investigations.InvestigationViewModel>();
        services.AddTransient<Alerting.RulePreviewModel>();
        services.AddTransient<Database.DatabaseViewModel>();
        return services;
    }
}
