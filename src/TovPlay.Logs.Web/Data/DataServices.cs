using Microsoft.EntityFrameworkCore;

namespace TovPlay.Logs.Web.Data;

public static class DataServices
{
    public static WebApplicationBuilder AddAppData(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection(DatabaseOptions.Section));

        // A factory, because a Blazor circuit lives for minutes and a DbContext should not.
        // The factory also registers a scoped context, which Identity's stores use per request.
        builder.Services.AddDbContextFactory<AppDbContext>((sp, options) =>
            options.UseNpgsql(ConnectionStrings.GetAppDb(sp.GetRequiredService<IConfiguration>())));

        builder.Services.AddSingleton<DatabaseMigrator>();
        return builder;
    }
}
