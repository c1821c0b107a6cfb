namespace TovPlay.Logs.Web.DatabaseHealth;

public static class DatabaseHealthServices
{
    public static IServiceCollection AddDatabaseHealth(this IServiceCollection services)
    {
        services.AddOptions<DatabaseHealthOptions>().BindConfiguration(DatabaseHealthOptions.Section)
            .Validate(o => o.SampleInterval >= TimeSpan.FromSeconds(1), "DatabaseHealth:SampleInterval must be at least one second")
            .Validate(o => o.Retention >= o.SampleInterval, "DatabaseHealth:Retention must be at least one SampleInterval")
            .Validate(o => o.ReadTimeout > TimeSpan.Zero, "DatabaseHealth:ReadTimeout must be positive")
            .ValidateOnStart();
        services.AddOptions<PgBouncerOptions>().BindConfiguration(PgBouncerOptions.Section);
        services.AddSingleton<ConnectionsReader>();
        services.AddSingleton<PgBouncerReader>();
        services.AddSingleton<DatabaseSamples>();
        // Scoped: it writes through the request's (or circuit's) audit log, which knows who and from where.
        services.AddScoped<BackendControl>();
        services.AddSingleton<DatabaseSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseSampler>());
        return services;
    }
}
