namespace TovPlay.Logs.Web.Search;

public static class SearchServices
{
    public static IServiceCollection AddAppSearch(this IServiceCollection services)
    {
        services.AddScoped<LineContext>();
        services.AddScoped<QueryHistory>();
        return services;
    }
}
