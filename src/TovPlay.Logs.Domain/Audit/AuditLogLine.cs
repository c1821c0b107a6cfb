using System.Globalization;
using System.Text;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Audit;

/// <summary>An audited statement as the trail recorded it, for shipping and display.</summary>
public sealed record AuditStatement(
    long Id, long TxId, DateTimeOffset StatementAt, string Schema, string Table, string Action, long Rows,
    string SessionRole, string? InvokingRole, string? ClientAddr, int? ClientPort, string? Application, int BackendPid,
    string? AppUserId, string? AppUsername, string? AppClientIp, string? CorrelationId, string? RequestPath, string? Query)
{
    /// <summary>The table's oid when the statement ran (a dropped and recreated table has another).</summary>
    public uint TableOid { get; init; }

    public string QualifiedTable => $"{Schema}.{Table}";
}

/// <summary>
/// The log line of an audited statement in the log store (<c>job="tovplay-db-audit"</c>, logfmt, the fields the
/// forensic query library reads), so the evidence outlives the audited database. Deterministic: shipping a statement
/// twice gives the same entry, which the store drops as a duplicate.
/// </summary>
public static class AuditLogLine
{
    public const string Job = "tovplay-db-audit";
    public const int MaxStatementLength = 1000;

    public static LabelSet Labels(AuditStatement statement) =>
        LabelSet.From(("job", Job), ("service", "postgres"), ("level", statement.Action is "DELETE" or "TRUNCATE" or "DROP TABLE" ? "warn" : "info"));

    public static long TimestampNs(AuditStatement statement) => (statement.StatementAt - DateTimeOffset.UnixEpoch).Ticks * 100;

    /// <summary>
    /// A seal checkpoint as a log line: a copy of the chain outside the audited database, so rebuilding the chain
    /// there (which its superuser could do) no longer matches what the log store kept.
    /// </summary>
    public static string SealLine(string database, SealCheckpoint checkpoint)
    {
        var line = new StringBuilder(200);
        Add(line, "event", "seal");
        Add(line, "database", database);
        Add(line, "seal_id", checkpoint.Id.ToString(CultureInfo.InvariantCulture));
        Add(line, "first_statement_id", checkpoint.FirstId.ToString(CultureInfo.InvariantCulture));
        Add(line, "last_statement_id", checkpoint.LastId.ToString(CultureInfo.InvariantCulture));
        Add(line, "statements", checkpoint.Count.ToString(CultureInfo.InvariantCulture));
        Add(line, "hash", Convert.ToHexStringLower(checkpoint.Hash));
        return line.ToString();
    }

    public static string Line(AuditStatement s)
    {
        var line = new StringBuilder(256);
        Add(line, "action", s.Action);
        Add(line, "table", s.Table);
        Add(line, "schema", s.Schema);
        Add(line, "rows", s.Rows.ToString(CultureInfo.InvariantCulture));
        Add(line, "db_user", s.SessionRole);
        Add(line, "invoking_role", s.InvokingRole);
        Add(line, "app_user_id", s.AppUserId);
        Add(line, "app_username", s.AppUsername);
        Add(line, "app_client_ip", s.AppClientIp);
        Add(line, "client_addr", s.ClientAddr);
        Add(line, "client_port", s.ClientPort?.ToString(CultureInfo.InvariantCulture));
        Add(line, "application", s.Application);
        Add(line, "backend_pid", s.BackendPid.ToString(CultureInfo.InvariantCulture));
        Add(line, "txid", s.TxId.ToString(CultureInfo.InvariantCulture));
        Add(line, "statement_id", s.Id.ToString(CultureInfo.InvariantCulture));
        Add(line, "correlation_id", s.CorrelationId);
        Add(line, "request_path", s.RequestPath);
        if (s.Query is { } query)
        {
            var flat = string.Join(' ', query.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
            Add(line, "statement", flat.Length > MaxStatementLength ? flat[..MaxStatementLength] + "…" : flat);
        }

        return line.ToString();
    }

    private static void Add(StringBuilder line, string key, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (line.Length > 0)
        {
            line.Append(' ');
        }

        line.Append(key).Append('=');
        if (value.Length > 0 && value.All(c => c > ' ' && c != '"' && c != '=' && c != '\\' && !char.IsControl(c)))
        {
            line.Append(value);
            return;
        }

        line.Append('"');
        foreach (var c in value)
        {
            line.Append(c switch { '"' => "\\\"", '\\' => "\\\\", _ when char.IsControl(c) => " ", _ => c.ToString() });
        }

        line.Append('"');
    }
}
