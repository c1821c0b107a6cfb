using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace TovPlay.Logs.Web.Data;

/// <summary>Applies EF Core migrations over the direct connection.</summary>
public sealed class DatabaseMigrator(IConfiguration configuration, IOptions<DatabaseOptions> options, ILogger<DatabaseMigrator> logger)
{
    public bool EnabledAtStartup => options.Value.MigrateOnStartup;

    /// <summary>The migrations not yet applied (all of them for an empty database).</summary>
    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken cancellationToken)
    {
        await using var db = Direct();
        return [.. await db.Database.GetPendingMigrationsAsync(cancellationToken)];
    }

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var db = Direct();
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

    private AppDbContext Direct() => new(new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(ConnectionStrings.GetAppDbDirect(configuration)).Options);
}
