namespace TovPlay.Logs.Web.Investigations;

public static class InvestigationServices
{
    public static IServiceCollection AddInvestigations(this IServiceCollection services)
    {
        services.AddOptions<InvestigationOptions>().BindConfiguration(InvestigationOptions.Section)
            .Validate(o => o.AppServerAddresses.All(a => System.Net.IPAddress.TryParse(a, out _)), "Investigations:AppServerAddresses must be IP addresses")
            .Validate(o => o.LookbackDays is >= 1 and <= 400, "Investigations:LookbackDays must be between 1 and 400")
            .ValidateOnStart();
        services.AddSingleton<WipeInvestigator>();
        services.AddSingleton<ErrorSpikeInvestigator>();
        services.AddSingleton<IScenarioInvestigator>(sp => sp.GetRequiredService<WipeInvestigator>());
        services.AddSingleton<IScenarioInvestigator>(sp => sp.GetRequiredService<ErrorSpikeInvestigator>());
        services.AddSingleton<IScenarioInvestigator, SlowApiInvestigator>();
        services.AddSingleton<IScenarioInvestigator, AccountInvestigator>();
        services.AddSingleton<IScenarioInvestigator, FreeInvestigator>();
        services.AddSingleton<ActivityReader>();
        services.AddSingleton<InvestigationLogs>();
        services.AddSingleton<ActorHistoryReader>();
        services.AddScoped<InvestigationStore>();
        services.AddScoped<GuardInstaller>();
        return services;
    }
}
