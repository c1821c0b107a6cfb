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

    /// <summary>Whether a table (schema-qualified, quoted) exists: the trail may be partly or not yet installed.</summary>
    public static async Task<bool> ExistsAsync(NpgsqlConnection connection, string relation, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", connection);
        command.Parameters.AddWithValue("name", relation);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
