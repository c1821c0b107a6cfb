using Npgsql;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Sandbox;
using TovPlay.Logs.Web.Audit;

namespace TovPlay.Logs.Web.Sandbox;

/// <summary>
/// Makes the sandbox database ready: the database itself, TovPlay's roles and schema, the seed on first start, and the
/// app's audit trail installed on every table by the app's own installer (as on a real TovPlay database).
/// </summary>
public sealed class SandboxDatabase(SandboxConnections connections, AuditInstaller installer, ILogger<SandboxDatabase> logger)
{
    public async Task PrepareAsync(string database, CancellationToken cancellationToken)
    {
        await using (var server = new NpgsqlConnection(connections.ServerConnection))
        {
            await server.OpenAsync(cancellationToken);
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", server);
            exists.Parameters.AddWithValue("name", database);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE {SqlText.Ident(database)}", server);
                await create.ExecuteNonQueryAsync(cancellationToken);
                logger.LogInformation("Created the sandbox database {Database}", database);
            }
        }

        await using (var connection = new NpgsqlConnection(connections.SuperuserConnection))
        {
            await connection.OpenAsync(cancellationToken);
            // One start at a time prepares a database: two would race on CREATE ROLE and CREATE TABLE.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var sql = "SELECT pg_advisory_xact_lock(hashtext('tovplay-logs sandbox'));\n"
                + connections.Roles.Create(connections.Passwords) + SandboxSchema.Create(connections.Roles) + SandboxSchema.Seed();
            await using (var command = new NpgsqlCommand(sql, connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        // Tables not yet audited (all of them at first, a table added since later) get the trail; audited ones are left alone.
        var coverage = await installer.CoverageAsync(cancellationToken);
        var missing = coverage.Where(c => c.Table.Schema == "public" && c.State is CoverageState.NotAudited or CoverageState.NewSinceInstall).Select(c => c.Table).ToList();
        if (missing.Count > 0)
        {
            await installer.InstallAsync(missing, cancellationToken);
            logger.LogInformation("Audit trail installed on the sandbox's {Tables}", string.Join(", ", missing.Select(t => t.Display)));
        }
    }
}
