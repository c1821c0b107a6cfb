namespace TovPlay.Logs.Web.Status;

public static class StatusServices
{
    public static IServiceCollection AddAppStatus(this IServiceCollection services) => services.AddSingleton<SourceChecks>();
}
