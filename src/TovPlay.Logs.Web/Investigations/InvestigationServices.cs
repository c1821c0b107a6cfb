namespace TovPlay.Logs.Web.Investigations;

public static class InvestigationServices
{
    public static IServiceCollection AddInvestigations(this IServiceCollection services)
    {
        services.AddOptions<InvestigationOptions>().BindConfiguration(InvestigationOptions.Section)
            .Validate(o => o.AppServerAddresses.All(a => System.Net.IPAddress.TryParse(a, out _)), "Investigations:AppServerAddresses must be IP addresses")
            .ValidateOnStart();
        services.AddSingleton<WipeInvestigator>();
        services.AddSingleton<ActivityReader>();
        services.AddScoped<InvestigationStore>();
        services.AddScoped<GuardInstaller>();
        return services;
    }
}
