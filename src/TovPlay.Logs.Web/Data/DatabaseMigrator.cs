using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace TovPlay.Logs.Web.Data;

/// <summary>Applies EF Core migrations over the direct connection.</summary>
public sealed class DatabaseMigrator(IConfiguration configuration, IOptions<DatabaseOptions> options, ILogger<DatabaseMigrator> logger)
{
    public bool EnabledAtStartup => options.Value.MigrateOnStartup;

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        var contextOptions = new DbContextOptionsBuilder<AppDbContext>()
            .UseNpgsql(ConnectionStrings.GetAppDbDirect(configuration))
            .Options;
        await using var db = new AppDbContext(contextOptions);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            logger.LogInformation("App database schema is up to date");
            return pending;
        }

        logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, pending);
        await db.Database.MigrateAsync(cancellationToken);
        return pending;
    }
}
