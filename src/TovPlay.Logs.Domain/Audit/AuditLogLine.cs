using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
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

    /// <summary>Actions that remove rows: what a wipe is made of, and what a restore puts back.</summary>
    public static readonly IReadOnlyList<string> RemovingActions = ["DELETE", "TRUNCATE", "DROP TABLE"];

    /// <summary>Actions a restore can take back: removals, and updates.</summary>
    public static readonly IReadOnlyList<string> RestorableActions = [.. RemovingActions, "UPDATE"];

    /// <summary>An SQL list of actions for <c>action IN (...)</c>.</summary>
    public static string SqlList(IEnumerable<string> actions) => string.Join(", ", actions.Select(SqlText.Literal));

    public bool Removes => RemovingActions.Contains(Action);

    /// <summary>An UPDATE: rows stay, their values change (a restore takes it back).</summary>
    public bool Changes => Action == "UPDATE";

    /// <summary>Each transaction's first statement, in id order: one line per transaction (its actor, its restore script).</summary>
    public static IEnumerable<AuditStatement> FirstOfEachTransaction(IEnumerable<AuditStatement> statements) =>
        statements.GroupBy(s => s.TxId).Select(g => g.MinBy(s => s.Id)!).OrderBy(s => s.Id);

    public bool Restorable => RestorableActions.Contains(Action);
}

/// <summary>
/// The log line of an audited statement in the log store (<c>job="tovplay-db-audit"</c>, one JSON object with the
/// fields the forensic query library reads through <c>| json</c>), so the evidence outlives the audited database.
/// Deterministic: shipping a statement twice gives the same entry, which the store drops as a duplicate.
/// </summary>
public static class AuditLogLine
{
    public const string Job = "tovplay-db-audit";
    public const int MaxStatementLength = 1000;

    // Log text is shown as text, never as HTML, so the relaxed encoder keeps quotes and non-ASCII readable.
    internal static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A statement's stream: the job, and <paramref name="env"/> when the trail ships one (the sandbox's is "sandbox").</summary>
    public static LabelSet Labels(AuditStatement statement, string? env = null) => Stream(statement.Removes ? "warn" : "info", env);

    /// <summary>The stream of audit lines at a level, with <paramref name="env"/> when given.</summary>
    public static LabelSet Stream(string level, string? env = null) => string.IsNullOrEmpty(env)
        ? LabelSet.From(("job", Job), ("service", "postgres"), ("level", level))
        : LabelSet.From(("job", Job), ("service", "postgres"), ("level", level), ("env", env));

    public static long TimestampNs(AuditStatement statement) => (statement.StatementAt - DateTimeOffset.UnixEpoch).Ticks * 100;

    /// <summary>
    /// A seal checkpoint as a log line: a copy of the chain outside the audited database, so rebuilding the chain
    /// there (which its superuser could do) no longer matches what the log store kept.
    /// </summary>
    public static string SealLine(string database, SealCheckpoint checkpoint) => Write(json =>
    {
        json.WriteString("event", "seal");
        json.WriteString("database", database);
        json.WriteNumber("seal_id", checkpoint.Id);
        json.WriteNumber("first_statement_id", checkpoint.FirstId);
        json.WriteNumber("last_statement_id", checkpoint.LastId);
        json.WriteNumber("statements", checkpoint.Count);
        json.WriteString("hash", Convert.ToHexStringLower(checkpoint.Hash));
    });

    public static string Line(AuditStatement s) => Write(json => WriteFields(json, s, MaxStatementLength));

    /// <summary>The statement's fields as JSON properties (the statement text cut to <paramref name="maxStatement"/> characters, if given).</summary>
    public static void WriteFields(Utf8JsonWriter json, AuditStatement s, int? maxStatement)
    {
        json.WriteString("action", s.Action);
        json.WriteString("table", s.Table);
        json.WriteString("schema", s.Schema);
        json.WriteNumber("rows", s.Rows);
        json.WriteString("db_user", s.SessionRole);
        Optional(json, "invoking_role", s.InvokingRole);
        Optional(json, "app_user_id", s.AppUserId);
        Optional(json, "app_username", s.AppUsername);
        Optional(json, "app_client_ip", s.AppClientIp);
        Optional(json, "client_addr", s.ClientAddr);
        if (s.ClientPort is { } port)
        {
            json.WriteNumber("client_port", port);
        }

        Optional(json, "application", s.Application);
        json.WriteNumber("backend_pid", s.BackendPid);
        json.WriteNumber("txid", s.TxId);
        json.WriteNumber("statement_id", s.Id);
        Optional(json, "correlation_id", s.CorrelationId);
        Optional(json, "request_path", s.RequestPath);
        if (s.Query is { } query)
        {
            var text = query.Trim();
            json.WriteString("statement", text.Length > maxStatement ? text[..maxStatement.Value] + "…" : text);
        }
    }

    private static void Optional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static string Write(Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, Writer))
        {
            json.WriteStartObject();
            fields(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
