namespace TovPlay.Logs.Web.Audit;

public static class AuditServices
{
    public static IServiceCollection AddAppAudit(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section)
            .Validate(o => o.Schema.Length is > 0 and <= 63 && o.OwnerRole.Length is > 0 and <= 63, "Audit:Schema and Audit:OwnerRole must be 1 to 63 characters")
            .Validate(o => o.ShipInterval > TimeSpan.Zero && o.SealInterval > TimeSpan.Zero && o.UpkeepInterval > TimeSpan.Zero,
                "Audit:ShipInterval, Audit:SealInterval and Audit:UpkeepInterval must be positive")
            .Validate(o => o.RetentionMonths is >= 0 and <= 120, "Audit:RetentionMonths must be 0 (keep everything) to 120")
            .ValidateOnStart();
        services.AddSingleton<AuditInstaller>();
        services.AddSingleton<AuditRestore>();
        services.AddSingleton<AuditReader>();
        services.AddSingleton<AuditUpkeep>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditUpkeep>());
        services.AddSingleton<AuditSeal>();
        services.AddHostedService<AuditSealer>();
        services.AddSingleton<AuditShipper>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditShipper>());
        return services;
    }
}
