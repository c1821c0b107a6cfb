using Npgsql;

namespace TovPlay.Logs.Web.Tests.Shared;

public sealed record AuditRow(string Action, string Actor, string? Target, bool Succeeded, string? Details, string? ClientIp, string? CorrelationId, DateTimeOffset OccurredAt);

/// <summary>Reads the app's audit trail with plain SQL, as an investigator would.</summary>
public static class AuditRows
{
    public static async Task<IReadOnlyList<AuditRow>> ForTargetAsync(TestDatabase database, string target)
    {
        await using var connection = await database.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT action, actor, target, succeeded, details, host(client_ip), correlation_id, occurred_at " +
            "FROM app_audit_events WHERE target = @target ORDER BY id", connection);
        command.Parameters.AddWithValue("target", target);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<AuditRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new AuditRow(
                reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetBoolean(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return rows;
    }
}
