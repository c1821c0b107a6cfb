using System.Globalization;
using System.Text;
using System.Text.Json;
using TovPlay.Logs.Domain.Logs.Export;

namespace TovPlay.Logs.Domain.Audit;

/// <summary>
/// Audited statements as a download: CSV (one row per statement, cells a spreadsheet cannot run as formulas) or a
/// JSON array with the same fields as the shipped log line plus the time, the statement text whole.
/// </summary>
public static class AuditExport
{
    public static readonly IReadOnlyList<string> CsvHeader =
    [
        "time", "statement_id", "txid", "schema", "table", "action", "rows", "db_user", "invoking_role", "app_user_id", "app_username", "app_client_ip",
        "client_addr", "client_port", "application", "backend_pid", "correlation_id", "request_path", "statement",
    ];

    public static string Time(AuditStatement s) => s.StatementAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static async Task WriteCsvAsync(TextWriter writer, IAsyncEnumerable<AuditStatement> statements, CancellationToken cancellationToken)
    {
        await writer.WriteAsync(string.Join(',', CsvHeader) + "\r\n");
        await foreach (var s in statements.WithCancellation(cancellationToken))
        {
            string N(long value) => value.ToString(CultureInfo.InvariantCulture);
            await writer.WriteAsync(LogExport.CsvRow(
            [
                Time(s), N(s.Id), N(s.TxId), s.Schema, s.Table, s.Action, N(s.Rows), s.SessionRole, s.InvokingRole ?? "", s.AppUserId ?? "", s.AppUsername ?? "",
                s.AppClientIp ?? "", s.ClientAddr ?? "", s.ClientPort is { } port ? N(port) : "", s.Application ?? "", N(s.BackendPid), s.CorrelationId ?? "",
                s.RequestPath ?? "", s.Query ?? "",
            ]).AsMemory(), cancellationToken);
        }
    }

    public static async Task WriteJsonAsync(TextWriter writer, IAsyncEnumerable<AuditStatement> statements, CancellationToken cancellationToken)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var first = true;
        await writer.WriteAsync('[');
        await foreach (var s in statements.WithCancellation(cancellationToken))
        {
            buffer.ResetWrittenCount();
            using (var json = new Utf8JsonWriter(buffer, AuditLogLine.Writer))
            {
                json.WriteStartObject();
                json.WriteString("time", Time(s));
                AuditLogLine.WriteFields(json, s, null);
                json.WriteEndObject();
            }

            await writer.WriteAsync((first ? "\n" : ",\n").AsMemory(), cancellationToken);
            await writer.WriteAsync(Encoding.UTF8.GetString(buffer.WrittenSpan).AsMemory(), cancellationToken);
            first = false;
        }

        await writer.WriteAsync("\n]\n".AsMemory(), cancellationToken);
    }
}
