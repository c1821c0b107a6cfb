using System.Security.Claims;
using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Investigations;

/// <summary>
/// Installs a mass-change guard on a TovPlay table, for Admins only: the guard functions and the table's triggers in
/// one transaction, built here from the table as the catalog has it (never from text the browser sent). Success and
/// failure both go to the app's audit trail.
/// </summary>
public sealed class GuardInstaller(IOptions<AuditOptions> audit, AppAuditLog appAudit)
{
    /// <summary>Null when installed; otherwise why not.</summary>
    public async Task<string?> InstallAsync(GuardTarget target, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var name = $"{target.Schema}.{target.Table}";
        if (!user.IsInRole(AppRoles.Admin))
        {
            return "Only an Admin can install a guard.";
        }

        if (target.MaxRows < 1)
        {
            return "The limit is at least one row.";
        }

        string? error = null;
        try
        {
            await using var connection = await AuditDatabase.OpenAsync(audit.Value, cancellationToken);
            var table = (await AuditCatalog.TablesAsync(connection, audit.Value.Schema, cancellationToken))
                .FirstOrDefault(t => t.Schema == target.Schema && t.Name == target.Table);
            if (table is null)
            {
                error = $"There is no table {name} in the audited database.";
            }
            else
            {
                var guard = new MassChangeGuard(new AuditSql(audit.Value.Schema, audit.Value.OwnerRole));
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var command = new NpgsqlCommand(guard.InstallFunctions() + guard.Install(table, target.MaxRows), connection, transaction))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            error = "The guard could not be installed: " + ex.Message;
        }

        await appAudit.WriteAsync(AppAuditEntry.By(user, AppAuditActions.GuardInstalled, name, error is null,
            error ?? $"refuses DELETE, UPDATE and TRUNCATE over {target.MaxRows} rows without {MassChangeGuard.OverrideSetting}"), cancellationToken);
        return error;
    }
}
