using Npgsql;

namespace TovPlay.Logs.Web.Audit;

/// <summary>Connections to the audited TovPlay database.</summary>
public static class AuditDatabase
{
    public static async Task<NpgsqlConnection> OpenAsync(AuditOptions options, CancellationToken cancellationToken)
    {
        if (!options.IsConfigured)
        {
            throw new InvalidOperationException("No audited database is configured: set Audit:TargetConnection (environment Audit__TargetConnection).");
        }

        var connection = new NpgsqlConnection(options.TargetConnection);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
