namespace TovPlay.Logs.Web.Model;

public static class ModelServices
{
    public static IServiceCollection AddAppModel(this IServiceCollection services)
    {
        services.AddScoped<TimeDisplay>();
        services.AddScoped<UserPreferences>();
        return services;
    }
}
